#!/usr/bin/python3
"""Makes the hostile ONNX fixtures of issue 20: small models, written by the onnx package's own helpers,
that each attack one way of reading a model. Run from anywhere with Debian's python3-onnx:

    /usr/bin/python3 make_hostile.py            # writes the committed fixtures beside this script
    /usr/bin/python3 make_hostile.py OUT NAME [ARG]   # one model into OUT (the tests' own, see below)

Every model has one float input x [N, 8] and one output y [N, 1], as a PyTorch MLP would, so that the
attack, not the signature, is what ParityNet must catch. onnx.checker is not run on them on purpose: most
are invalid graphs, and a reader must survive what the checker would refuse.

What each one does to a reader that trusts it (measured before issue 20's fixes, ParityNet 2026-11-30):
  cycle-redefine      the second layer writes the input's name 'x' again: x -> h -> a -> b -> x ... Import-NetworkOnnx's
                      walk followed it forever, adding a layer a step (memory grew until OOM)
  cycle-identity      Identity(x) -> g, Identity(g) -> x: the walk went round at 100% CPU, deaf to Ctrl+C
  cycle-mutual        Relu(b) -> a, Relu(a) -> b: each node reads a name that only the other defines
  loop-huge           a Loop with trip count 2^62 whose body does nothing: ONNX Runtime ran it forever
  external-relative   the first weights live in the external file 'secret.bin', resolved against the
                      process's working directory when the model is loaded from bytes
  external-absolute   the same, at the absolute path /etc/hostname (read, never written)
  fixed-batch-2p24    x declared [16777216, 8]: one answer cost 1 GiB and 3 s
  fixed-batch-2p40    x declared [2^40, 8]: an unnamed OutOfMemoryException
  nan-weights         a NaN weight: every answer NaN, which was shown as a confident "Odd", Correct
  relu-output         the output is Relu of a sum (3.7 and more): not a probability
  duplicate-attribute a Softmax with axis 1 and then axis 0: ONNX Runtime keeps the last, mixing the rows of a run
  shared-weights      one 8x8 matrix read by 100 layers: a row's work grows with the nodes, not the file
  unused-initializer  an MLP carrying a 64 KB initializer that no node reads (it could be 1 GiB), loaded all the same
  msb-doubled         y = 2 * the top bit: 0 below 128, 2 from 128 on, half the answers out of range
  sparse-initializer  the weights arrive as a sparse initializer, a field ParityNet's reader does not know
  function-op         the output comes from a model-local function 'Evil' (ModelProto.functions)

The tests' own (written into a temporary folder at test time, not committed):
  external-at PATH    external-absolute with the location PATH (a file the test made)
  gemm-wide N [B]     an honest B-N-N-1 ReLU MLP (B = 8 bits unless given). N = 9000: 324 MB of weights, over the
                      engine's 4 GiB training limit, which the importer must refuse before reading every weight as a
                      double; N = 1024, B = 16: a model whose cross-check takes seconds, for the Ctrl+C tests
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
BITS = 8
RNG = np.random.default_rng(20)


def x_info(batch="N"):
    return helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, BITS])


def y_info(batch="N"):
    return helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 1])


def weights(name, rows, cols):
    return numpy_helper.from_array(RNG.standard_normal((rows, cols)).astype(np.float32), name)


def model(nodes, initializers, x=None, y=None, opset=17, **graph_extra):
    graph = helper.make_graph(nodes, "hostile", [x or x_info()], [y or y_info()], initializers, **graph_extra)
    m = helper.make_model(graph, producer_name="make_hostile.py", opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def mlp(batch="N"):
    """A plain 8-4-1 sigmoid MLP: the honest part that the attacks are added to."""
    return model([helper.make_node("Gemm", ["x", "W1", "b1"], ["h"]),
                  helper.make_node("Sigmoid", ["h"], ["a"]),
                  helper.make_node("Gemm", ["a", "W2"], ["z"]),
                  helper.make_node("Sigmoid", ["z"], ["y"])],
                 [weights("W1", BITS, 4), numpy_helper.from_array(np.zeros(4, np.float32), "b1"), weights("W2", 4, 1)],
                 x=x_info(batch), y=y_info(batch))


def cycle_redefine():
    # The second layer writes the input's name 'x' again: x -> h -> a -> b -> x -> ... each name read once.
    return model([helper.make_node("Gemm", ["x", "W1"], ["h"]),
                  helper.make_node("Sigmoid", ["h"], ["a"]),
                  helper.make_node("Gemm", ["a", "W2"], ["b"]),
                  helper.make_node("Sigmoid", ["b"], ["x"]),
                  helper.make_node("Gemm", ["y0", "W3"], ["z"]),
                  helper.make_node("Sigmoid", ["z"], ["y"])],
                 [weights("W1", BITS, BITS), weights("W2", BITS, BITS), weights("W3", 1, 1),
                  numpy_helper.from_array(np.zeros((1, 1), np.float32), "y0")])


def cycle_identity():
    # Two Identity nodes hand 'x' and 'g' to each other: x -> g -> x -> ... with nothing allocated.
    return model([helper.make_node("Identity", ["x"], ["g"]),
                  helper.make_node("Identity", ["g"], ["x"]),
                  helper.make_node("Gemm", ["y0", "W1"], ["z"]),
                  helper.make_node("Sigmoid", ["z"], ["y"])],
                 [weights("W1", 1, 1), numpy_helper.from_array(np.zeros((1, 1), np.float32), "y0")])


def cycle_mutual():
    return model([helper.make_node("Gemm", ["x", "W1"], ["h"]),
                  helper.make_node("Relu", ["b"], ["a"]),
                  helper.make_node("Add", ["h", "a"], ["b"]),
                  helper.make_node("Gemm", ["b", "W2"], ["z"]),
                  helper.make_node("Sigmoid", ["z"], ["y"])],
                 [weights("W1", BITS, 4), weights("W2", 4, 1)])


def loop_huge():
    # The body passes its one loop-carried value through; the Loop runs 2^62 times, then y = Sigmoid(it).
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), helper.make_node("Identity", ["v_in"], ["v_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, None)])
    return model([helper.make_node("Gemm", ["x", "W1"], ["z"]),
                  helper.make_node("Loop", ["trips", "cond", "z"], ["looped"], body=body),
                  helper.make_node("Sigmoid", ["looped"], ["y"])],
                 [weights("W1", BITS, 1),
                  numpy_helper.from_array(np.array(2 ** 62, np.int64), "trips"),
                  numpy_helper.from_array(np.array(True), "cond")])


def external(location):
    m = mlp()
    w = m.graph.initializer[0]
    w.ClearField("raw_data")
    w.ClearField("float_data")
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", str(BITS * 4 * 4))):
        entry = w.external_data.add()
        entry.key, entry.value = key, value
    return m


def nan_weights():
    m = mlp()
    w = numpy_helper.to_array(m.graph.initializer[2]).copy()
    w[0, 0] = np.nan
    m.graph.initializer[2].CopyFrom(numpy_helper.from_array(w, "W2"))
    return m


def relu_output():
    return model([helper.make_node("Gemm", ["x", "W1", "b1"], ["h"]),
                  helper.make_node("Relu", ["h"], ["a"]),
                  helper.make_node("Gemm", ["a", "W2", "b2"], ["z"]),
                  helper.make_node("Relu", ["z"], ["y"])],
                 [numpy_helper.from_array(np.abs(RNG.standard_normal((BITS, 4))).astype(np.float32), "W1"),
                  numpy_helper.from_array(np.ones(4, np.float32), "b1"),
                  numpy_helper.from_array(np.ones((4, 1), np.float32), "W2"),
                  numpy_helper.from_array(np.full(1, 3.7, np.float32), "b2")])


def duplicate_attribute():
    # Softmax with axis 1, then axis 0: a reader that takes the first sees a row-wise softmax; ONNX Runtime keeps
    # the last and spreads the softmax down the batch, so each answer depends on the other numbers in the run.
    softmax = helper.make_node("Softmax", ["z"], ["y"], axis=1)
    softmax.attribute.append(helper.make_attribute("axis", 0))
    return model([helper.make_node("Gemm", ["x", "W1"], ["h"]), helper.make_node("Relu", ["h"], ["a"]),
                  helper.make_node("Gemm", ["a", "W2"], ["z"]), softmax],
                 [weights("W1", BITS, 4), weights("W2", 4, 2)], y=helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2]))


def shared_weights():
    # One 8x8 matrix read by 100 layers: the work of a row grows with the node count, not with the file.
    nodes, current = [], "x"
    for i in range(100):
        nodes += [helper.make_node("MatMul", [current, "W"], [f"h{i}"]), helper.make_node("Relu", [f"h{i}"], [f"a{i}"])]
        current = f"a{i}"
    nodes += [helper.make_node("MatMul", [current, "W2"], ["z"]), helper.make_node("Sigmoid", ["z"], ["y"])]
    return model(nodes, [weights("W", BITS, BITS), weights("W2", BITS, 1)])


def unused_initializer():
    # A plain MLP with a 64 KB initializer no node reads (think 1 GiB): it would still be loaded.
    m = mlp()
    m.graph.initializer.append(numpy_helper.from_array(np.zeros(1 << 14, np.float32), "ballast"))
    return m


def msb_doubled():
    # y = 2 * (the most significant bit): 0, a probability, below 128; 2, not one, from 128 on.
    w = np.zeros((BITS, 1), np.float32)
    w[0, 0] = 2
    return model([helper.make_node("Gemm", ["x", "W1"], ["y"])], [numpy_helper.from_array(w, "W1")])


def sparse_initializer():
    m = mlp()
    dense = numpy_helper.to_array(m.graph.initializer[0])
    del m.graph.initializer[0]
    values = numpy_helper.from_array(dense.reshape(-1), "W1")
    indices = numpy_helper.from_array(np.arange(dense.size, dtype=np.int64), "W1_indices")
    m.graph.sparse_initializer.append(helper.make_sparse_tensor(values, indices, list(dense.shape)))
    return m


def function_op():
    evil = helper.make_function("evil.domain", "Evil", ["a"], ["b"], [helper.make_node("Sigmoid", ["a"], ["b"])],
                                [helper.make_opsetid("", 17)])
    m = model([helper.make_node("Gemm", ["x", "W1"], ["z"]), helper.make_node("Evil", ["z"], ["y"], domain="evil.domain")],
              [weights("W1", BITS, 1)])
    m.opset_import.append(helper.make_opsetid("evil.domain", 1))
    m.functions.append(evil)
    return m


def gemm_wide(n, bits=BITS):
    return model([helper.make_node("Gemm", ["x", "W1"], ["h1"]), helper.make_node("Relu", ["h1"], ["a1"]),
                  helper.make_node("Gemm", ["a1", "W2"], ["h2"]), helper.make_node("Relu", ["h2"], ["a2"]),
                  helper.make_node("Gemm", ["a2", "W3"], ["z"]), helper.make_node("Sigmoid", ["z"], ["y"])],
                 [numpy_helper.from_array(np.full((bits, n), 0.01, np.float32), "W1"),
                  numpy_helper.from_array(np.full((n, n), 0.001, np.float32), "W2"),
                  numpy_helper.from_array(np.full((n, 1), 0.01, np.float32), "W3")],
                 x=helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", bits]))


FIXTURES = {
    "cycle-redefine": cycle_redefine,
    "cycle-identity": cycle_identity,
    "cycle-mutual": cycle_mutual,
    "loop-huge": loop_huge,
    "external-relative": lambda: external("secret.bin"),
    "external-absolute": lambda: external("/etc/hostname"),
    "fixed-batch-2p24": lambda: mlp(batch=2 ** 24),
    "fixed-batch-2p40": lambda: mlp(batch=2 ** 40),
    "nan-weights": nan_weights,
    "relu-output": relu_output,
    "msb-doubled": msb_doubled,
    "duplicate-attribute": duplicate_attribute,
    "shared-weights": shared_weights,
    "unused-initializer": unused_initializer,
    "sparse-initializer": sparse_initializer,
    "function-op": function_op,
}


def save(m, path):
    # onnx.save would follow external data references on some versions; write the bytes as they are.
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        out, name = sys.argv[1], sys.argv[2]
        made = {"external-at": lambda: external(sys.argv[3]), "gemm-wide": lambda: gemm_wide(*map(int, sys.argv[3:5]))}[name]()
        save(made, out)
    else:
        for name, make in FIXTURES.items():
            save(make(), os.path.join(HERE, name + ".onnx"))
            print(name, os.path.getsize(os.path.join(HERE, name + ".onnx")), "bytes")
