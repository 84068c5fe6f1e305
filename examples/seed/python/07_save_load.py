# torch.save / torch.load of a state_dict, and load_state_dict into a freshly built model.
import os
import tempfile

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return self.fc(x.mean((2, 3)))


torch.manual_seed(0)
model = Net()
model(torch.randn(4, 3, 6, 6))  # updates the BatchNorm running statistics
folder = tempfile.mkdtemp()
path = os.path.join(folder, "model.pth")
torch.save(model.state_dict(), path)

params = torch.load(path)
for k, v in params.items():
    print(k, v.shape, v.dtype)

model2 = Net()
print("before:", "same" if torch.equal(model2.fc.weight, model.fc.weight) else "different")
print(model2.load_state_dict(params))
print("after:", "same" if torch.equal(model2.fc.weight, model.fc.weight) else "different")
print(model2.bn.running_mean)
print(model2.bn.num_batches_tracked)

del params["fc.bias"]
params["fc.extra"] = torch.zeros(1)
print(model2.load_state_dict(params, strict=False))

# The whole model: its class is pickled by name (__main__.Net), so loading needs weights_only=False.
torch.save(model, path)
model3 = torch.load(path, weights_only=False)
print(model3)
model3.eval()
with torch.no_grad():
    print(model3(torch.ones(1, 3, 6, 6)))
