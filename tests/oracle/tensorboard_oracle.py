"""The oracle of tests/tensorboard.rs: what TensorBoard itself (PyPI `tensorboard`, its
EventAccumulator, the loader behind `tensorboard --logdir`) reads from a run's event files.

    tensorboard_oracle.py RUN_DIR

Prints JSON {tag: [[step, value], ...]} for every scalar, in the order TensorBoard keeps them (after
its purge of an interrupted run's orphaned steps).
"""

import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

ea = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
ea.Reload()
print(json.dumps({t: [[e.step, e.value] for e in ea.Scalars(t)] for t in ea.Tags()["scalars"]}))
