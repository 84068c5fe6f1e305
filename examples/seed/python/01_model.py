# The seed's first model: sub-modules registered by assigning attributes.
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.conv1 = nn.Conv2d(3, 64, 3)
        self.conv2 = nn.Conv2d(64, 64, 3)

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        return x


torch.manual_seed(0)
model = Model()
print(model)
y = model(torch.randn(1, 3, 8, 8))
print(y.shape)
print(y[0, :2, 0])
