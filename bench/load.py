"""Python side of bench/load.js.
    python load.py make PATH        writes a ResNet-152 state_dict (torch.save) to PATH
    python load.py time PATH N      best of N: torch.load(PATH), with mmap=True, and a raw read of PATH, in ms (JSON)
ResNet-152 is built here from torch.nn (torchvision's layout: Bottleneck blocks [3, 8, 36, 3]),
so the file has torchvision's keys, shapes and BatchNorm buffers: 60.2M parameters, ~230 MB."""
import json
import sys
import time
import warnings

import torch
from torch import nn

warnings.filterwarnings("ignore")


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample


class ResNet(nn.Module):
    def __init__(self, layers=(3, 8, 36, 3), num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(64, layers[0])
        self.layer2 = self._make_layer(128, layers[1], 2)
        self.layer3 = self._make_layer(256, layers[2], 2)
        self.layer4 = self._make_layer(512, layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(2048, num_classes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes * 4, 1, stride, bias=False), nn.BatchNorm2d(planes * 4))
        layers = [Bottleneck(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * 4
        layers += [Bottleneck(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)


def main():
    if sys.argv[1] == "make":
        torch.manual_seed(0)
        with torch.no_grad():
            model = ResNet()
        torch.save(model.state_dict(), sys.argv[2])
        n = sum(p.numel() for p in model.parameters())
        print(json.dumps({"parameters": n, "tensors": len(model.state_dict())}))
        return
    path, repeats = sys.argv[2], int(sys.argv[3])
    load = read = mmap = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        with open(path, "rb") as f:
            f.read()
        read = min(read, time.perf_counter() - t0)
        t0 = time.perf_counter()
        sd = torch.load(path, weights_only=True)
        load = min(load, time.perf_counter() - t0)
        del sd
        t0 = time.perf_counter()
        sd = torch.load(path, weights_only=True, mmap=True)
        mmap = min(mmap, time.perf_counter() - t0)
        del sd
    print(json.dumps({"load": load * 1e3, "read": read * 1e3, "mmap": mmap * 1e3}))


main()
