# Fine-tuning: copy pretrained tensors by name where they exist; initialise the new layers with
# xavier_normal_ (weights) and constant_(..., 0) (biases).
import os
import tempfile

import torch
import torch.nn as nn


def vgg(cfg, i):
    layers = []
    in_channels = i
    for v in cfg:
        if v == 'M':
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            layers += [nn.Conv2d(in_channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            in_channels = v
    return layers


class Pretrained(nn.Module):
    def __init__(self):
        super(Pretrained, self).__init__()
        self.features = nn.Sequential(*vgg([8, 'M', 16, 'M'], 3))


class Model1(nn.Module):
    def __init__(self):
        super(Model1, self).__init__()
        # the pretrained stack plus two new convolutions
        self.vgg = nn.ModuleList(vgg([8, 'M', 16, 'M', 32, 32], 3))


torch.manual_seed(0)
path = os.path.join(tempfile.mkdtemp(), "vgg.pth")
torch.save(Pretrained().state_dict(), path)

m1 = Model1()
vgg = torch.load(path)
for k, v in m1.vgg.named_parameters():
    k = "features.{}".format(k)
    if k in vgg.keys():
        v.data = vgg[k].data
        how = "pretrained"
    else:
        if k.find("weight") >= 0:
            nn.init.xavier_normal_(v.data)
            how = "xavier_normal_"
        else:
            nn.init.constant_(v.data, 0)
            how = "constant_ 0"
    print(k, how, "{:.4f}".format(v.sum().item()), "{:.4f}".format(v.std().item() if v.numel() > 1 else 0.0))
