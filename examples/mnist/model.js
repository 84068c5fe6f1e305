'use strict';
// A small convolutional network for 28x28 digits (LeNet-like; its Python twin is Net in
// examples/mnist/check_checkpoint.py, with the same registered names).
const torch = require('../..');
const { nn } = torch;
const F = nn.functional;

class Net extends nn.Module {
  constructor() {
    super();
    this.conv1 = new nn.Conv2d(1, 16, 5); // 28 -> 24, pooled to 12
    this.conv2 = new nn.Conv2d(16, 32, 5); // 12 -> 8, pooled to 4
    this.dropout = new nn.Dropout(0.25);
    this.fc1 = new nn.Linear(32 * 4 * 4, 128);
    this.fc2 = new nn.Linear(128, 10);
  }

  forward(x) {
    x = F.maxPool2d(F.relu(this.conv1.call(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);
    x = this.dropout.call(torch.flatten(x, 1));
    x = this.dropout.call(F.relu(this.fc1.call(x)));
    return F.logSoftmax(this.fc2.call(x), 1);
  }
}

module.exports = { Net };
