#!/usr/bin/python3
"""Writes the seed corpus of fuzz/onnx_model_fuzzer.cpp: small ONNX models made with onnx.helper that
cover the loader's paths (initializers, Constant nodes, subgraphs of If and Loop, LSTM, Resize,
shape arithmetic) so mutations start from valid files. Run once; the seeds are committed.

Usage: fuzz/make_onnx_seeds.py fuzz/corpus/onnx_model
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def tensor(name, shape, seed):
    values = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return numpy_helper.from_array(values, name)


def model(name, nodes, inputs, outputs, initializers=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def value(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def seeds():
    f = TensorProto.FLOAT
    x4 = value("x", f, ["N", 3, 8, 8])
    yield "conv_relu_pool", model("conv", [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], group=1),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p"], ["g"]),
        helper.make_node("Flatten", ["g"], ["y"])],
        [x4], [value("y", f, ["N", 4])], [tensor("w", [4, 3, 3, 3], 1), tensor("b", [4], 2)])
    yield "shape_arithmetic", model("shape", [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Constant", [], ["i"], value=numpy_helper.from_array(np.array([0], np.int64))),
        helper.make_node("Gather", ["s", "i"], ["n"], axis=0),
        helper.make_node("Constant", [], ["rest"], value=numpy_helper.from_array(np.array([-1], np.int64))),
        helper.make_node("Concat", ["n", "rest"], ["shape"], axis=0),
        helper.make_node("Reshape", ["x", "shape"], ["flat"]),
        helper.make_node("Slice", ["flat", "starts", "ends", "axes"], ["y"])],
        [x4], [value("y", f, None)],
        [numpy_helper.from_array(np.array([1], np.int64), "starts"),
         numpy_helper.from_array(np.array([100], np.int64), "ends"),
         numpy_helper.from_array(np.array([1], np.int64), "axes")])
    then_graph = helper.make_graph([helper.make_node("Relu", ["x"], ["t"])], "then", [], [value("t", f, None)])
    else_graph = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])], "else", [], [value("e", f, None)])
    yield "if_branches", model("if", [
        helper.make_node("ReduceSum", ["x"], ["sum"], keepdims=0),
        helper.make_node("Greater", ["sum", "zero"], ["cond"]),
        helper.make_node("If", ["cond"], ["y"], then_branch=then_graph, else_branch=else_graph)],
        [x4], [value("y", f, None)], [numpy_helper.from_array(np.array(0, np.float32), "zero")])
    body = helper.make_graph(
        [helper.make_node("Add", ["acc_in", "x"], ["acc_out"]), helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "body", [value("i", TensorProto.INT64, []), value("cond_in", TensorProto.BOOL, []), value("acc_in", f, None)],
        [value("cond_out", TensorProto.BOOL, []), value("acc_out", f, None)])
    yield "loop_sum", model("loop", [
        helper.make_node("Loop", ["trips", "", "x"], ["y"], body=body)],
        [x4], [value("y", f, None)], [numpy_helper.from_array(np.array(3, np.int64), "trips")])
    yield "lstm", model("lstm", [
        helper.make_node("LSTM", ["x", "W", "R", "B"], ["Y", "y"], hidden_size=4)],
        [value("x", f, [5, "N", 3])], [value("y", f, None)],
        [tensor("W", [1, 16, 3], 3), tensor("R", [1, 16, 4], 4), tensor("B", [1, 32], 5)])
    yield "resize_nearest", model("resize", [
        helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor")],
        [x4], [value("y", f, None)],
        [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")], opset=11)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, proto in seeds():
        with open(os.path.join(out, name + ".onnx"), "wb") as f:
            f.write(proto.SerializeToString())


if __name__ == "__main__":
    main()
