"""Run by test_atomic: save two networks in turn, forever, until killed."""

import sys

from rnnstudio.io import save
from tests.io.test_atomic import big_network

path = sys.argv[1]
nets = [big_network(0), big_network(1)]
print("saving", flush=True)
i = 0
while True:
    save(nets[i % 2], path)
    i += 1
