# add_module(name, layer); the seed registers "covn3" but its forward uses self.conv3.
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.conv1 = nn.Conv2d(3, 64, 3)
        self.conv2 = nn.Conv2d(64, 64, 3)
        self.add_module("maxpool1", nn.MaxPool2d(2, 2))
        self.add_module("covn3", nn.Conv2d(64, 128, 3))
        self.add_module("conv4", nn.Conv2d(128, 128, 3))

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = self.maxpool1(x)
        x = self.conv3(x)
        x = self.conv4(x)
        return x


torch.manual_seed(0)
model = Model()
print(model)
try:
    model(torch.randn(1, 3, 16, 16))
except AttributeError as e:
    print("forward failed:", e)
