# A VGG feature stack built from a config list: 'M' is a max-pool, 'C' a ceil-mode max-pool.
import torch
import torch.nn as nn

vgg_cfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'C', 512, 512, 512, 'M',
           512, 512, 512, 'M']


def vgg(cfg, i, batch_norm=False):
    layers = []
    in_channels = i
    for v in cfg:
        if v == 'M':
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        elif v == 'C':
            layers += [nn.MaxPool2d(kernel_size=2, stride=2, ceil_mode=True)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return layers


class Model1(nn.Module):
    def __init__(self, batch_norm=False):
        super(Model1, self).__init__()
        self.vgg = nn.ModuleList(vgg(vgg_cfg, 3, batch_norm))

    def forward(self, x):
        for l in self.vgg:
            x = l(x)
        return x


torch.manual_seed(0)
m1 = Model1()
print(m1)
for k, v in m1.named_parameters():
    print(k, v.size())
print(m1(torch.randn(1, 3, 40, 40)).shape)
bn = Model1(batch_norm=True)
print(len(list(bn.modules())), len(list(bn.named_buffers())))
print(", ".join(list(bn.state_dict().keys())[:8]))
