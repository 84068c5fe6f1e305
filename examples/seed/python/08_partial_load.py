# Loading part of a pretrained state_dict: keep the keys the model also has, update, load.
import os
import tempfile

import torch
import torch.nn as nn


def features():
    return nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
                         nn.MaxPool2d(2, 2))


class Pretrained(nn.Module):
    def __init__(self):
        super(Pretrained, self).__init__()
        self.features = features()
        self.classifier = nn.Linear(16, 1000)


class Model(nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.features = features()
        self.head = nn.Linear(16, 10)


torch.manual_seed(0)
path = os.path.join(tempfile.mkdtemp(), "pretrained.pth")
torch.save(Pretrained().state_dict(), path)

model = Model()
pretrained_dict = torch.load(path)
model_dict = model.state_dict()
# drop the pretrained keys the model does not have
pretrained_dict = {k: v for k, v in pretrained_dict.items() if k in model_dict}
print(", ".join(pretrained_dict.keys()))
model_dict.update(pretrained_dict)
print(model.load_state_dict(model_dict))
print("features:", "same" if torch.equal(model.features[0].weight, pretrained_dict["features.0.weight"]) else "different")
print(model.head.weight.shape)
