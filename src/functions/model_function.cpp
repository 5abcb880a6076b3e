// Model SQL functions: inputs to batches, batches through the model, outputs to vectors
// (see model_function.hpp).
#include "functions/model_function.hpp"
#include "functions/file_access.hpp"
#include "functions/query_file_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

#include "duckdb/planner/expression/bound_function_expression.hpp"
#include "functions/image_argument.hpp"
#include "functions/prediction_vector.hpp"
#include "functions/text_model_rows.hpp"
#include "ml/classification.hpp"
#include "ml/intra_op_threads.hpp"
#include "ml/preprocessing.hpp"

namespace quarry {

namespace {

using duckdb::idx_t;

struct ModelFunctionInfo : public duckdb::ScalarFunctionInfo {
  explicit ModelFunctionInfo(std::shared_ptr<const ml::LoadedModel> model_p) : model(std::move(model_p)) {}
  std::shared_ptr<const ml::LoadedModel> model;
};

duckdb::LogicalType OutputType(const ml::LoadedModel& model) {
  switch (model.spec().task) {
    case ml::ModelTask::kImageClassification:
      return PredictionType();
    case ml::ModelTask::kEmbedding:
      return duckdb::LogicalType::ARRAY(duckdb::LogicalType::FLOAT, model.output_width());
    case ml::ModelTask::kTensor:
      break;
    case ml::ModelTask::kTextEmbedding:
    case ml::ModelTask::kTextClassification:
    case ml::ModelTask::kTokenClassification:
      return TextModelOutputType(model);
  }
  return duckdb::LogicalType::LIST(duckdb::LogicalType::FLOAT);
}

// Writes one model output row into row `row` of the result vector.
class OutputWriter {
 public:
  OutputWriter(const ml::LoadedModel& model, duckdb::Vector& result) : model_(model), result_(result) {}

  void Write(idx_t row, const std::vector<float>& values) {
    switch (model_.spec().task) {
      case ml::ModelTask::kImageClassification:
        WritePredictions(
            result_, row,
            ml::TopPredictions(values.data(), static_cast<int64_t>(values.size()), model_.spec(), model_.labels()));
        return;
      case ml::ModelTask::kEmbedding: {
        auto embedding = ml::EmbeddingRow(values.data(), static_cast<int64_t>(values.size()), model_.spec());
        auto& child = duckdb::ArrayVector::GetEntry(result_);
        const idx_t width = duckdb::ArrayType::GetSize(result_.GetType());
        auto* data = duckdb::FlatVector::GetData<float>(child);
        for (idx_t i = 0; i < width; i++) data[row * width + i] = i < embedding.size() ? embedding[i] : 0.0f;
        return;
      }
      case ml::ModelTask::kTextEmbedding:
      case ml::ModelTask::kTextClassification:
      case ml::ModelTask::kTokenClassification:
        return;  // written by RunTextModel
      case ml::ModelTask::kTensor: {
        auto* entries = duckdb::FlatVector::GetData<duckdb::list_entry_t>(result_);
        const idx_t offset = duckdb::ListVector::GetListSize(result_);
        duckdb::ListVector::Reserve(result_, offset + values.size());
        auto* data = duckdb::FlatVector::GetData<float>(duckdb::ListVector::GetEntry(result_));
        std::copy(values.begin(), values.end(), data + offset);
        entries[row] = {offset, values.size()};
        duckdb::ListVector::SetListSize(result_, offset + values.size());
        return;
      }
    }
  }

 private:
  const ml::LoadedModel& model_;
  duckdb::Vector& result_;
};

// Runs one batch (its rows are `rows` of the result) and writes each row's output; a row the model
// refuses fails with `origin(row)` and the model's error.
template <typename OriginOf>
void RunBatch(const ml::LoadedModel& model, const ml::Tensor& batch, const std::vector<idx_t>& rows,
              OutputWriter& writer, FallibleResult& result, const OriginOf& origin) {
  const ml::IntraOpThreadScope threads;  // per batch: calls can be long, concurrency changes
  auto outputs = model.RunRows(batch);
  for (size_t i = 0; i < rows.size(); i++) {
    if (outputs[i].ok()) {
      writer.Write(rows[i], outputs[i].value());
    } else {
      result.Fail(rows[i], RowError(origin(rows[i]), "model " + model.spec().name + ": " + outputs[i].error()));
    }
  }
}

// Image arguments decode JPEGs at the smallest DCT scale still covering the model's input size.
media::DecodeOptions DecodeForModel(const ml::ModelSpec& spec) {
  media::DecodeOptions options;
  options.min_width = spec.input_size;
  options.min_height = spec.input_size;
  return options;
}

// A row a batch could not take: NULL (an empty `why`), or why it is unusable (an invalid image, a file
// that does not decode).
struct UnusableRow {
  idx_t row;
  std::string why;
};

// One batch of prepared inputs: the rows of the result it holds, in tensor order, and the rows it found
// unusable.
struct PreparedBatch {
  ml::Tensor tensor;
  std::vector<idx_t> rows;
  std::vector<UnusableRow> unusable;
  idx_t next_row = 0;  // where the following batch starts
};

// Reads, decodes and preprocesses batches of an image model's input rows; Prepare() only reads the
// input vector, so the rows of a batch are prepared in parallel.
class ImageBatchPreparer {
 public:
  ImageBatchPreparer(const ml::LoadedModel& model, ImageArgumentKind kind, duckdb::Vector& input, idx_t count,
                     const io::FileStore& files)
      : spec_(model.spec()), count_(count), argument_(kind, input, count, DecodeForModel(model.spec()), files) {}

  // Up to batch_size usable rows from `first` on, decoded and preprocessed on the calling thread's
  // intra-op threads.
  PreparedBatch Prepare(idx_t first) const {
    const size_t item = 3ULL * spec_.input_size * spec_.input_size;
    const size_t batch_size = static_cast<size_t>(spec_.batch_size);
    PreparedBatch batch;
    batch.tensor.values.resize(batch_size * item);
    float* data = batch.tensor.values.data();
    idx_t row = first;
    while (row < count_ && batch.rows.size() < batch_size) {
      // Rows row.. go to slots filled..; unusable ones leave gaps, closed up below.
      const size_t filled = batch.rows.size();
      const size_t attempts = std::min<size_t>(batch_size - filled, count_ - row);
      // Per attempt: empty when usable, else why not.
      std::vector<std::string> failures(attempts);
      ml::ParallelFor(static_cast<int64_t>(attempts), [&](int64_t i) {
        if (!argument_.IsNull(row + i)) failures[i] = Fill(row + i, data + (filled + i) * item);
      });
      for (size_t i = 0; i < attempts; i++) {
        if (argument_.IsNull(row + i) || !failures[i].empty()) {
          batch.unusable.push_back({row + i, std::move(failures[i])});
          continue;
        }
        const size_t slot = batch.rows.size();
        if (slot != filled + i) std::memmove(data + slot * item, data + (filled + i) * item, item * sizeof(float));
        batch.rows.push_back(row + i);
      }
      row += attempts;
    }
    batch.next_row = row;
    batch.tensor.values.resize(batch.rows.size() * item);
    batch.tensor.shape = {static_cast<int64_t>(batch.rows.size()), 3, spec_.input_size, spec_.input_size};
    return batch;
  }

  std::string Origin(idx_t row) const { return argument_.Origin(row); }

 private:
  // Preprocesses a row that is not NULL into `slot`; returns "" when done, else why not.
  std::string Fill(idx_t row, float* slot) const {
    std::optional<media::Image> decoded;
    auto view = argument_.Row(row, decoded);
    if (!view.ok()) return RowError(argument_.Origin(row), view.error());
    auto prepared = ml::PreprocessImage(view.value(), spec_, slot);
    if (!prepared.ok()) return RowError(argument_.Origin(row), prepared.error());
    return std::string();
  }

  const ml::ModelSpec& spec_;
  idx_t count_;
  ImageArgument argument_;
};

// Runs an image model over the rows of `input`, batch by batch: each batch is decoded and preprocessed
// on the same intra-op threads the model then runs it on, so a lone chunk (glob() yields one) decodes on
// every core, and no thread competes with the model's for the cores.
void RunImageModel(const ml::LoadedModel& model, ImageArgumentKind kind, duckdb::Vector& input, idx_t count,
                   const io::FileStore& files, FallibleResult& result) {
  OutputWriter writer(model, result.values());
  const ImageBatchPreparer preparer(model, kind, input, count, files);
  const auto origin = [&](idx_t row) { return preparer.Origin(row); };
  for (idx_t next_row = 0; next_row < count;) {
    PreparedBatch batch;
    {
      const ml::IntraOpThreadScope threads;
      batch = preparer.Prepare(next_row);
    }
    for (const auto& unusable : batch.unusable) {
      if (unusable.why.empty()) {
        result.SetNull(unusable.row);
      } else {
        result.Fail(unusable.row, unusable.why);
      }
    }
    if (!batch.rows.empty()) RunBatch(model, batch.tensor, batch.rows, writer, result, origin);
    next_row = batch.next_row;
  }
}

// Runs a tensor model over FLOAT[] rows; consecutive rows of equal length share a batch.
void RunTensorModel(const ml::LoadedModel& model, duckdb::Vector& input, idx_t count, FallibleResult& result) {
  OutputWriter writer(model, result.values());
  const auto no_origin = [](idx_t) { return std::string(); };
  duckdb::UnifiedVectorFormat lists;
  input.ToUnifiedFormat(count, lists);
  auto& child = duckdb::ListVector::GetEntry(input);
  duckdb::UnifiedVectorFormat values;
  child.ToUnifiedFormat(duckdb::ListVector::GetListSize(input), values);
  const auto* entries = duckdb::UnifiedVectorFormat::GetData<duckdb::list_entry_t>(lists);
  const auto* floats = duckdb::UnifiedVectorFormat::GetData<float>(values);

  ml::Tensor batch;
  std::vector<idx_t> batch_rows;
  int64_t width = -1;
  auto flush = [&] {
    if (batch_rows.empty()) return;
    batch.shape = {static_cast<int64_t>(batch_rows.size()), width};
    RunBatch(model, batch, batch_rows, writer, result, no_origin);
    batch_rows.clear();
    batch.values.clear();
  };
  for (idx_t row = 0; row < count; row++) {
    const idx_t index = lists.sel->get_index(row);
    if (!lists.validity.RowIsValid(index)) {
      result.SetNull(row);
      continue;
    }
    bool usable = entries[index].length > 0;
    for (idx_t i = 0; usable && i < entries[index].length; i++) {
      usable = values.validity.RowIsValid(values.sel->get_index(entries[index].offset + i));
    }
    if (!usable) {
      result.Fail(row, entries[index].length == 0 ? "an empty list" : "a NULL element in the list");
      continue;
    }
    const int64_t length = static_cast<int64_t>(entries[index].length);
    if (length != width || static_cast<int32_t>(batch_rows.size()) == model.spec().batch_size) {
      flush();
      width = length;
    }
    for (idx_t i = 0; i < entries[index].length; i++) {
      batch.values.push_back(floats[values.sel->get_index(entries[index].offset + i)]);
    }
    batch_rows.push_back(row);
  }
  flush();
}

const ml::LoadedModel& ModelOf(duckdb::ExpressionState& state) {
  const auto& expression = state.expr.Cast<duckdb::BoundFunctionExpression>();
  return *expression.function.function_info->Cast<ModelFunctionInfo>().model;
}

template <ImageArgumentKind kKind>
void ExecuteOnImageArgument(duckdb::DataChunk& args, duckdb::ExpressionState& state, FallibleResult& result) {
  if (kKind == ImageArgumentKind::kPath) CheckPathArgumentAccess(state.GetContext(), args.data[0], args.size());
  const QueryFileStore files(state.GetContext());
  RunImageModel(ModelOf(state), kKind, args.data[0], args.size(), files, result);
}

void ExecuteOnFloats(duckdb::DataChunk& args, duckdb::ExpressionState& state, FallibleResult& result) {
  RunTensorModel(ModelOf(state), args.data[0], args.size(), result);
}

void ExecuteOnText(duckdb::DataChunk& args, duckdb::ExpressionState& state, FallibleResult& result) {
  RunTextModel(ModelOf(state), args.data[0], args.size(), result);
}

}  // namespace

std::optional<ModelPictureInput> ModelPictureInputOf(const duckdb::BoundFunctionExpression& expression) {
  const auto* info = dynamic_cast<const ModelFunctionInfo*>(expression.function.function_info.get());
  if (info == nullptr || expression.children.size() != 1 || expression.children[0]->return_type != ImageType()) {
    return std::nullopt;
  }
  return ModelPictureInput{info->model->spec().input_size, info->model->spec().batch_size};
}

FallibleFunctionSets MakeModelFunctions(std::shared_ptr<const ml::LoadedModel> model) {
  std::vector<FallibleOverload> overloads;
  if (model->spec().task == ml::ModelTask::kTensor) {
    overloads = {{duckdb::LogicalType::LIST(duckdb::LogicalType::FLOAT), ExecuteOnFloats}};
  } else if (ml::IsTextTask(model->spec().task)) {
    overloads = {{duckdb::LogicalType::VARCHAR, ExecuteOnText}};
  } else {
    overloads = {{ImageType(), ExecuteOnImageArgument<ImageArgumentKind::kImage>},
                 {duckdb::LogicalType::VARCHAR, ExecuteOnImageArgument<ImageArgumentKind::kPath>},
                 {duckdb::LogicalType::BLOB, ExecuteOnImageArgument<ImageArgumentKind::kBlob>}};
  }
  const std::string name = model->spec().name;
  const auto output = OutputType(*model);
  return MakeFallibleFunctions(name, overloads, output, duckdb::make_shared_ptr<ModelFunctionInfo>(std::move(model)));
}

}  // namespace quarry
