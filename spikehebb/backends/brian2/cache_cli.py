"""``spikehebb cache info|clear``: the compiled standalone builds kept for reuse."""
import time

from . import build_cache


def cache_command(action):
    """Print what the build cache holds, or empty it; returns the exit code."""
    if action == "clear":
        n = build_cache.clear()
        print(f"removed {n} build{'s' * (n != 1)} from {build_cache.cache_dir()}")
        return 0
    entries = build_cache.entries()
    total = sum(size for _, size, _ in entries)
    print(f"build cache: {build_cache.cache_dir()}")
    print(f"{len(entries)} build{'s' * (len(entries) != 1)}, {total / 2 ** 20:.1f} MB "
          f"(limit {build_cache.max_bytes() / 2 ** 20:.0f} MB, $SPIKEHEBB_CACHE_MAX_MB; least recently used go first)")
    for key, size, used in entries:
        print(f"  {key[:16]}  {size / 2 ** 20:7.1f} MB  last used {time.strftime('%Y-%m-%d %H:%M', time.localtime(used))}")
    return 0
