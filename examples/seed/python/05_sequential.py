# Sequential from positional modules and from an OrderedDict; it runs its own forward.
from collections import OrderedDict

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 20, 5),
    nn.ReLU(),
    nn.Conv2d(20, 64, 5),
    nn.ReLU()
)
print(model)
x = torch.randn(1, 1, 12, 12)
print(model(x).shape)

model = nn.Sequential(OrderedDict([
    ('conv1', nn.Conv2d(1, 20, 5)),
    ('relu1', nn.ReLU()),
    ('conv2', nn.Conv2d(20, 64, 5)),
    ('relu2', nn.ReLU())
]))
print(model)
print(model(x).sum())
print(model[0], model[-1])
print(model[1:])
del model[0]
print(model)
model.append(nn.Flatten())
model.insert(0, nn.Identity())
print(model)
