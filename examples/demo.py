# %% [markdown]
# # CellBridge demo
#
# Run it with `cellbridge run examples/demo.py`. Each cell shows one kind of output:
# a value, both streams, a progress line rewritten with `\r`, a display updated in place,
# a plot and a table.

# %%
a = 123
a

# %%
import sys
print("to stdout", a)
sys.stderr.write("to stderr\n")

# %%
import time

for i in range(5):
    print(f"\rstep {i+1}/5", end="")
    time.sleep(0.1)
print()

# %%
from IPython.display import display, Markdown

h = display(Markdown("**working**"), display_id=True)
h.update(Markdown("**done**"))

# %%
import matplotlib.pyplot as plt

plt.plot([1, 2, 3], [1, 4, 9])
plt.show()

# %%
import pandas as pd

pd.DataFrame({"n": [1, 2, 3], "square": [1, 4, 9]})
