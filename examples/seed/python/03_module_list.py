# ModuleList built from a list, iterated (and indexed) in forward.
import torch
import torch.nn as nn


class MyModule(nn.Module):
    def __init__(self):
        super(MyModule, self).__init__()
        self.linears = nn.ModuleList([nn.Linear(10, 10) for i in range(10)])

    def forward(self, x):
        for i, l in enumerate(self.linears):
            x = self.linears[i // 2](x) + l(x)
        return x


torch.manual_seed(0)
model = MyModule()
print(model)
print(len(model.linears), model.linears[-1])
print(model(torch.randn(2, 10)))
