// onnx_executor_bench — quarry's ONNX executor as one side of bench/onnx_vs_onnxruntime.sh (issue 14);
// bench/onnxruntime_engine.mjs is the other side and speaks the same protocol.
//
//   quarry_onnx_executor_bench MODEL.onnx THREADS [--carry OUTPUT=INPUT]... INPUT_SPEC...
//   INPUT_SPEC: NAME=TYPE:SHAPE:FILE[:CHUNKS]   TYPE float32 or int64; SHAPE 16x3x224x224 ("" for a
//               scalar); FILE raw little-endian values, CHUNKS consecutive tensors of SHAPE (default 1)
//
// Loads the model into quarry's executor (OnnxModel) with THREADS intra-op threads, then reads commands
// on stdin, one per line, answering each with one line on stdout:
//   time K     runs K calls; answers "ms MS_PER_CALL"
//   dump PATH  starts over (carried inputs back to their files' values), runs one call per chunk, writes
//              every output of the last call, as float32, one after another, to PATH; answers "ok"
//   reset_profile  forgets QUARRY_ONNX_PROFILE's totals so far (after the warm-up); answers "ok"
// Call i reads chunk i mod CHUNKS of each input; --carry feeds an output into an input for the next call
// (Silero VAD's state). Errors go to stderr and end the process with status 1.
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ml/onnx/onnx_model.hpp"
#include "ml/onnx/step_profile.hpp"

namespace {

using quarry::ml::onnx::ElementType;
using quarry::ml::onnx::HostTensor;
using quarry::ml::onnx::OnnxModel;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "onnx_executor_bench: %s\n", message.c_str());
  std::exit(1);
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

// One graph input: its tensor for each chunk of its file.
struct Input {
  std::string name;
  std::vector<HostTensor> chunks;
};

Input ReadInput(const std::string& spec) {
  const size_t equals = spec.find('=');
  if (equals == std::string::npos) Fail("input spec without NAME=: " + spec);
  const std::vector<std::string> parts = Split(spec.substr(equals + 1), ':');
  if (parts.size() < 3 || parts.size() > 4) Fail("input spec is not NAME=TYPE:SHAPE:FILE[:CHUNKS]: " + spec);
  HostTensor tensor;
  if (parts[0] == "float32") {
    tensor.type = ElementType::kFloat;
  } else if (parts[0] == "int64") {
    tensor.type = ElementType::kInt64;
  } else {
    Fail("input type is not float32 or int64: " + spec);
  }
  if (!parts[1].empty()) {
    for (const auto& dimension : Split(parts[1], 'x')) tensor.shape.push_back(std::atoll(dimension.c_str()));
  }
  const int chunks = parts.size() == 4 ? std::atoi(parts[3].c_str()) : 1;
  const size_t bytes = static_cast<size_t>(tensor.element_count()) * quarry::ml::onnx::ElementSize(tensor.type);
  std::ifstream file(parts[2], std::ios::binary);
  std::vector<char> data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (data.size() != bytes * static_cast<size_t>(chunks)) Fail("input file is not CHUNKS tensors of SHAPE: " + spec);
  Input input{spec.substr(0, equals), {}};
  for (int chunk = 0; chunk < chunks; chunk++) {
    tensor.bytes.assign(data.begin() + static_cast<std::ptrdiff_t>(chunk * bytes),
                        data.begin() + static_cast<std::ptrdiff_t>((chunk + 1) * bytes));
    input.chunks.push_back(tensor);
  }
  return input;
}

// The model with its inputs and the state carried from call to call.
class Engine {
 public:
  Engine(std::shared_ptr<const OnnxModel> model, std::vector<Input> inputs,
         const std::map<std::string, std::string>& carry)
      : model_(std::move(model)) {
    for (const auto& declared : model_->inputs()) {
      bool found = false;
      for (auto& input : inputs) {
        if (input.name == declared.name) {
          inputs_.push_back(std::move(input));
          found = true;
        }
      }
      if (!found) Fail("no input spec for the model's input " + declared.name);
    }
    for (const auto& [output, input] : carry) {
      int output_index = -1, input_index = -1;
      for (size_t i = 0; i < model_->outputs().size(); i++) {
        if (model_->outputs()[i].name == output) output_index = static_cast<int>(i);
      }
      for (size_t i = 0; i < inputs_.size(); i++) {
        if (inputs_[i].name == input) input_index = static_cast<int>(i);
      }
      if (output_index < 0 || input_index < 0) Fail("--carry names no output or input: " + output + "=" + input);
      carry_.emplace_back(output_index, input_index);
    }
    Restart();
  }

  // Back to the first chunk, carried inputs from their files.
  void Restart() {
    call_ = 0;
    carried_.clear();
    for (const auto& [output, input] : carry_) carried_.push_back(inputs_[input].chunks[0]);
  }

  std::vector<HostTensor> Call() {
    std::vector<HostTensor> arguments;
    arguments.reserve(inputs_.size());
    for (auto& input : inputs_) {
      HostTensor& chunk = input.chunks[call_ % input.chunks.size()];
      arguments.push_back(std::move(chunk));  // given back below: no copy of large inputs per call
    }
    for (size_t i = 0; i < carry_.size(); i++) std::swap(arguments[carry_[i].second], carried_[i]);
    auto outputs = model_->Run(arguments);
    for (size_t i = 0; i < carry_.size(); i++) std::swap(arguments[carry_[i].second], carried_[i]);
    for (size_t i = 0; i < inputs_.size(); i++)
      inputs_[i].chunks[call_ % inputs_[i].chunks.size()] = std::move(arguments[i]);
    if (!outputs.ok()) Fail(outputs.error());
    for (size_t i = 0; i < carry_.size(); i++) carried_[i] = outputs.value()[carry_[i].first];  // small: a copy
    call_++;
    return std::move(outputs).value();
  }

  size_t chunk_count() const {
    size_t most = 1;
    for (const auto& input : inputs_) most = std::max(most, input.chunks.size());
    return most;
  }

 private:
  std::shared_ptr<const OnnxModel> model_;
  std::vector<Input> inputs_;
  std::vector<std::pair<int, int>> carry_;  // (output index, input index)
  std::vector<HostTensor> carried_;         // per carry: the input the next call gets
  size_t call_ = 0;
};

void WriteOutputs(const std::vector<HostTensor>& outputs, const std::string& path) {
  std::ofstream file(path, std::ios::binary);
  for (const auto& output : outputs) {
    if (output.type != ElementType::kFloat) Fail("dump: an output is not float32: " + output.Describe());
    file.write(reinterpret_cast<const char*>(output.bytes.data()), static_cast<std::streamsize>(output.bytes.size()));
  }
  if (!file) Fail("dump: cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: quarry_onnx_executor_bench MODEL.onnx THREADS [--carry OUTPUT=INPUT]... "
                 "NAME=TYPE:SHAPE:FILE[:CHUNKS]...\n");
    return 2;
  }
  const int threads = std::atoi(argv[2]);
  at::set_num_threads(threads);
  std::vector<Input> inputs;
  std::map<std::string, std::string> carry;
  for (int i = 3; i < argc; i++) {
    const std::string argument = argv[i];
    if (argument == "--carry" && i + 1 < argc) {
      const std::string pair = argv[++i];
      const size_t equals = pair.find('=');
      if (equals == std::string::npos) Fail("--carry is not OUTPUT=INPUT: " + pair);
      carry[pair.substr(0, equals)] = pair.substr(equals + 1);
    } else {
      inputs.push_back(ReadInput(argument));
    }
  }
  auto model = OnnxModel::Load(argv[1]);
  if (!model.ok()) Fail(model.error());
  std::fprintf(stderr, "onnx_executor_bench: %s, %d intra-op threads\n", model.value()->Describe().c_str(),
               at::get_num_threads());
  Engine engine(model.value(), std::move(inputs), carry);

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream command(line);
    std::string verb;
    command >> verb;
    if (verb == "time") {
      int calls = 1;
      command >> calls;
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < calls; i++) engine.Call();
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::printf("ms %.4f\n", ms / calls);
    } else if (verb == "dump") {
      std::string path;
      command >> path;
      engine.Restart();
      std::vector<HostTensor> outputs;
      for (size_t i = 0; i < engine.chunk_count(); i++) outputs = engine.Call();
      WriteOutputs(outputs, path);
      engine.Restart();
      std::printf("ok\n");
    } else if (verb == "reset_profile") {
      quarry::ml::onnx::ResetStepProfile();
      std::printf("ok\n");
    } else if (verb == "quit") {
      break;
    } else {
      Fail("unknown command: " + line);
    }
    std::fflush(stdout);
  }
  return 0;
}
