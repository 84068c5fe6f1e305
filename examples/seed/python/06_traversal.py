# modules(), named_modules(), children(), named_children(), parameters(), named_parameters().
from collections import OrderedDict

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.conv1 = nn.Conv2d(in_channels=3, out_channels=64, kernel_size=3)
        self.conv2 = nn.Conv2d(64, 64, 3)
        self.maxpool1 = nn.MaxPool2d(2, 2)
        self.features = nn.Sequential(OrderedDict([
            ('conv3', nn.Conv2d(64, 128, 3)),
            ('conv4', nn.Conv2d(128, 128, 3)),
            ('relu1', nn.ReLU())
        ]))

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = self.maxpool1(x)
        x = self.features(x)
        return x


m = Model()
for idx, m in enumerate(m.modules()):
    print(idx, "-", m)

m = Model()
for idx, (name, mod) in enumerate(m.named_modules()):
    print(idx, "-", repr(name), type(mod).__name__)

for idx, m2 in enumerate(m.children()):
    print(idx, "-", m2)

for name, child in m.named_children():
    print(name, type(child).__name__)

# In the seed, `m` is the last module of the modules() loop by now: the features Sequential.
for p in m.features.parameters():
    print(type(p.data).__name__, p.size())

for k, v in m.named_parameters():
    print(k, v.size())
