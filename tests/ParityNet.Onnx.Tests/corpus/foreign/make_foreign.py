#!/usr/bin/python3
"""Makes the foreign ONNX fixtures: models that other tools really wrote, for ParityNet's import and
Test-Parity -OnnxPath tests (issue 12). Run from this folder with Debian's packages:

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 make_foreign.py

Every model is trained briefly on its task so that its answers mean something. Beside each
<name>.onnx it writes <name>.expected.json: the model's own output (PyTorch's, or the reference
evaluation for the onnx-helper models) for every integer 0 .. 2^bits - 1 in the model's bit order,
the probability of label 1, so the tests hold ONNX Runtime and the engine to a third party.
The tests use the committed files; they need neither PyTorch nor onnx.
"""
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)


def bits_of(n, width, msb_first=True):
    row = [(n >> (width - 1 - j)) & 1 for j in range(width)]
    return row if msb_first else row[::-1]


def inputs(width, msb_first=True, dtype=torch.float32):
    return torch.tensor([bits_of(n, width, msb_first) for n in range(2 ** width)], dtype=dtype)


def labels(width, task):
    if task == "Even":
        return torch.tensor([[1.0 if n % 2 == 0 else 0.0] for n in range(2 ** width)])
    return torch.tensor([[float(bin(n).count("1") % 2)] for n in range(2 ** width)])


def train(model, x, y, logits, steps=400, lr=0.05):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss() if logits else torch.nn.BCELoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y.to(x.dtype))
        loss.backward()
        opt.step()


def save(name, model, x, opset, probability, dynamic=True, note="", bit_order="msb-first", task="Even"):
    path = os.path.join(HERE, name + ".onnx")
    model.eval()
    dummy = x[:1]
    kwargs = dict(input_names=["x"], output_names=["y"], opset_version=opset)
    if dynamic:
        kwargs["dynamic_axes"] = {"x": {0: "batch"}, "y": {0: "batch"}}
    torch.onnx.export(model, dummy, path, **kwargs)
    with torch.no_grad():
        out = probability(model(x)).double().numpy()
    write_expected(name, out, x.shape[1], bit_order, task, f"torch {torch.__version__}, opset {opset}. {note}")


def write_expected(name, probabilities, width, bit_order, task, made_by):
    expected = {
        "made_by": made_by,
        "bits": int(width),
        "bit_order": bit_order,
        "task": task,
        "probability_of_label_1": [float(p) for p in np.asarray(probabilities).reshape(-1)],
    }
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump(expected, f, indent=0)
    onnx.checker.check_model(onnx.load(os.path.join(HERE, name + ".onnx")), full_check=True)


def sequential(*layers):
    return torch.nn.Sequential(*layers)


class MatMulNet(torch.nn.Module):
    """x @ W1 + b1 -> sigmoid -> x @ W2 (no bias) -> sigmoid: exported as MatMul, Add, MatMul."""

    def __init__(self, width, hidden):
        super().__init__()
        self.w1 = torch.nn.Parameter(torch.randn(width, hidden) * 0.5)
        self.b1 = torch.nn.Parameter(torch.zeros(hidden))
        self.w2 = torch.nn.Parameter(torch.randn(hidden, 1) * 0.5)

    def forward(self, x):
        return torch.sigmoid(torch.sigmoid(torch.matmul(x, self.w1) + self.b1).matmul(self.w2))


class ConvNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(1, 2, 3)
        self.fc = torch.nn.Linear(12, 1)

    def forward(self, x):
        return torch.sigmoid(self.fc(self.conv(x.unsqueeze(1)).flatten(1)))


def main():
    identity = lambda t: t

    torch.manual_seed(1)
    x8 = inputs(8)
    m = sequential(torch.nn.Linear(8, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    train(m, x8, labels(8, "Even"), logits=False)
    save("torch-gemm-sigmoid-op13", m, x8, 13, identity, note="The issue's model: Linear(8,4), Sigmoid, Linear(4,1), Sigmoid.")
    save("torch-gemm-sigmoid-op17", m, x8, 17, identity, note="The same model at opset 17.")

    torch.manual_seed(2)
    m = sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    train(m, x8, labels(8, "Even"), logits=True)
    save("torch-relu-logit-op17", m, x8, 17, torch.sigmoid, note="BCEWithLogits: the last layer is a logit, no Sigmoid.")

    torch.manual_seed(3)
    x6 = inputs(6)
    m = sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    train(m, x6, labels(6, "BitParity"), logits=False, steps=1500, lr=0.03)
    save("torch-tanh-two-layers-op13", m, x6, 13, identity, task="BitParity", note="Two tanh hidden layers, 6-bit parity.")

    torch.manual_seed(4)
    x8d = inputs(8, dtype=torch.float64)
    m = sequential(torch.nn.Linear(8, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid()).double()
    train(m, x8d, labels(8, "Even"), logits=False)
    save("torch-float64-op13", m, x8d, 13, identity, note="model.double(): float64 input, weights and output.")

    torch.manual_seed(5)
    m = sequential(torch.nn.Linear(8, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    train(m, x8, labels(8, "Even"), logits=False)
    save("torch-batch1-op13", m, x8, 13, identity, dynamic=False, note="No dynamic axes: the input is fixed at [1, 8].")

    torch.manual_seed(6)
    x5 = inputs(5)
    m = MatMulNet(5, 6)
    train(m, x5, labels(5, "Even"), logits=False)
    save("torch-matmul-op17", m, x5, 17, identity, note="torch.matmul with parameters: MatMul + Add, then a MatMul without bias.")

    torch.manual_seed(7)
    x4l = inputs(4, msb_first=False)
    m = sequential(torch.nn.Linear(4, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    train(m, x4l, labels(4, "Even"), logits=False)
    save("torch-lsb-first-op13", m, x4l, 13, identity, bit_order="lsb-first", note="Trained on bits least significant first.")

    torch.manual_seed(8)
    m = sequential(torch.nn.Linear(8, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 2), torch.nn.Softmax(dim=1))
    y = labels(8, "Even")
    opt = torch.optim.Adam(m.parameters(), lr=0.05)
    for _ in range(400):
        opt.zero_grad()
        loss = torch.nn.functional.nll_loss(torch.log(m(x8) + 1e-12), y[:, 0].long())
        loss.backward()
        opt.step()
    save("torch-softmax-two-classes-op13", m, x8, 13, lambda t: t[:, 1:2], note="Two classes through Softmax; column 1 is label 1.")

    torch.manual_seed(9)
    m = ConvNet()
    save("torch-conv-op13", m, x8, 13, identity, note="A convolution: not an MLP, to be refused by name.")

    # Made with the onnx package's helpers: Identity and Flatten, Constant nodes, MatMul + Add, Relu,
    # Gemm with transB = 1, Sigmoid; input named 'input'.
    rng = np.random.default_rng(10)
    w1 = rng.normal(0, 1, (6, 5)).astype(np.float32)
    b1 = rng.normal(0, 0.1, (5,)).astype(np.float32)
    w2t = rng.normal(0, 1, (1, 5)).astype(np.float32)  # Gemm transB = 1: [out, in]
    b2 = np.array([0.25], dtype=np.float32)
    nodes = [
        helper.make_node("Identity", ["input"], ["same"], name="identity"),
        helper.make_node("Flatten", ["same"], ["flat"], name="flatten", axis=1),
        helper.make_node("Constant", [], ["w1"], name="w1_const", value=numpy_helper.from_array(w1, "w1")),
        helper.make_node("Constant", [], ["b1"], name="b1_const", value=numpy_helper.from_array(b1, "b1")),
        helper.make_node("MatMul", ["flat", "w1"], ["z1"], name="matmul"),
        helper.make_node("Add", ["b1", "z1"], ["z1b"], name="add"),
        helper.make_node("Relu", ["z1b"], ["h1"], name="relu"),
        helper.make_node("Gemm", ["h1", "w2t", "b2"], ["z2"], name="gemm", transB=1),
        helper.make_node("Sigmoid", ["z2"], ["p"], name="sigmoid"),
    ]
    graph = helper.make_graph(nodes, "helper-mlp",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["n", 6])],
                              [helper.make_tensor_value_info("p", TensorProto.FLOAT, ["n", 1])],
                              initializer=[numpy_helper.from_array(w2t, "w2t"), numpy_helper.from_array(b2, "b2")])
    model = helper.make_model(graph, producer_name="onnx-helper", opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    name = "onnx-helper-constants-op15"
    onnx.save(model, os.path.join(HERE, name + ".onnx"))
    x = np.array([bits_of(n, 6) for n in range(64)], dtype=np.float64)
    h = np.maximum(x @ w1.astype(np.float64) + b1.astype(np.float64), 0)
    p = 1 / (1 + np.exp(-(h @ w2t.astype(np.float64).T + b2.astype(np.float64))))
    write_expected(name, p, 6, "msb-first", "Even", f"onnx {onnx.__version__} helpers (untrained, seeded weights), opset 15; numpy reference in float64.")

    # Two inputs: refused by name.
    nodes = [helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("Sigmoid", ["s"], ["p"])]
    graph = helper.make_graph(nodes, "two-inputs",
                              [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["n", 4]),
                               helper.make_tensor_value_info("b", TensorProto.FLOAT, ["n", 4])],
                              [helper.make_tensor_value_info("p", TensorProto.FLOAT, ["n", 4])])
    model = helper.make_model(graph, producer_name="onnx-helper", opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(HERE, "onnx-helper-two-inputs-op15.onnx"))


if __name__ == "__main__":
    main()
