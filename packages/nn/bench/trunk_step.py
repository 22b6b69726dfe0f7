"""The issue-12 trunk in PyTorch CPU, for `pnpm bench nn` (trunk.bench.ts). Never needed by tests.

Same net as bench/trunk-net.ts: frames [clips*T, 3, S, S] -> conv 3x3 s2 16 -> conv 3x3 16 ->
temporal 1x1 over (t-1, t, t+1) 16 -> conv 3x3 s2 64 -> conv 3x3 64 -> conv 1x1 32, bias + ReLU
each, loss = mean square, Adam. Usage: trunk_step.py CLIPS FRAMES SIZE THREADS; then each stdin
line "N" runs N training steps and prints one JSON line {"wallMs", "cpuMs"} per step (medians are
taken by the caller), so the caller can alternate with its own runs in one process lifetime.
"""
import json
import sys
import time

import torch
import torch.nn as nn

clips, frames, size, threads = (int(v) for v in sys.argv[1:5])
torch.set_num_threads(threads)
torch.manual_seed(0)


class Trunk(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 2, 1)
        self.conv2 = nn.Conv2d(16, 16, 3, 1, 1)
        self.temporal = nn.Conv3d(16, 16, (3, 1, 1), 1, (1, 0, 0))
        self.conv3 = nn.Conv2d(16, 64, 3, 2, 1)
        self.conv4 = nn.Conv2d(64, 64, 3, 1, 1)
        self.conv5 = nn.Conv2d(64, 32, 1)

    def forward(self, x):
        h = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        n, c, hh, ww = h.shape
        clip = h.reshape(clips, frames, c, hh, ww).transpose(1, 2)
        h = torch.relu(self.temporal(clip)).transpose(1, 2).reshape(n, c, hh, ww)
        h = torch.relu(self.conv4(torch.relu(self.conv3(h))))
        return torch.relu(self.conv5(h))


net = Trunk()
x = torch.randn(clips * frames, 3, size, size)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)


def step():
    opt.zero_grad()
    loss = net(x).square().mean()
    loss.backward()
    opt.step()


step()
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    for _ in range(int(line)):
        w, c = time.perf_counter(), time.process_time()
        step()
        print(json.dumps({"wallMs": (time.perf_counter() - w) * 1e3,
                          "cpuMs": (time.process_time() - c) * 1e3}), flush=True)
