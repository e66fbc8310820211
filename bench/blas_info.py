"""Which BLAS a Bench reference ran on (issue 22), for the line the Bench prints under each reference's table.

openblas(): the OpenBLAS library this process has loaded (found in /proc/self/maps), with the kernel it chose
(openblas_get_corename) and its build (openblas_get_config), or None when no OpenBLAS is loaded. Call it after
the library has done its work. set_openblas_threads(n): OpenBLAS's own thread count, in the loaded library.
torch_build(torch): what PyTorch was built with, from torch.__config__.show().
"""
import ctypes
import os
import re


def _loaded():
    """The loaded OpenBLAS library (path, handle), or None."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.lower() and line.split()[-1].startswith("/")}
    except OSError:
        return None
    # The library itself first: Debian's libblas.so.3 and liblapack.so.3 in its folder are linked against it.
    for path in sorted(paths, key=lambda p: (not os.path.basename(p).startswith("libopenblas"), p)):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(lib, "openblas_get_corename"):
            return path, lib
    return None


def openblas():
    loaded = _loaded()
    if loaded is None:
        return None
    path, lib = loaded
    lib.openblas_get_corename.restype = ctypes.c_char_p
    lib.openblas_get_config.restype = ctypes.c_char_p
    return {"library": path, "core": lib.openblas_get_corename().decode(), "config": lib.openblas_get_config().decode(),
            "threads": lib.openblas_get_num_threads()}


def set_openblas_threads(n):
    loaded = _loaded()
    if loaded is None:
        raise RuntimeError("no OpenBLAS is loaded")
    loaded[1].openblas_set_num_threads(ctypes.c_int(n))


def torch_build(torch):
    shown = torch.__config__.show()
    found = [
        ("BLAS_INFO=", re.search(r"BLAS_INFO=([^,\s]+)", shown)),
        ("CPU capability ", re.search(r"CPU capability usage: (\S+)", shown)),
        ("MKL-DNN ", re.search(r"MKL-DNN (v[\w.]+)", shown)),
    ]
    return ", ".join(name + match.group(1) for name, match in found if match)
