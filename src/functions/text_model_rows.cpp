// Text models over VARCHAR rows (see text_model_rows.hpp).
//
// A chunk's texts become encodings (one per text, or one per window), all of them are planned into
// batches by length (ml::PlanTextBatches) and run on the intra-op threads; a batch the model refuses is
// run again one text at a time so only the failing rows fail. Each encoding's output is then written at
// its row (or, with windows, at its place in the row's list).
#include "functions/text_model_rows.hpp"

#include <optional>
#include <vector>

#include "functions/prediction_vector.hpp"
#include "ml/classification.hpp"
#include "ml/intra_op_threads.hpp"
#include "ml/text_batches.hpp"
#include "ml/text_heads.hpp"

namespace quarry {
namespace {

using duckdb::idx_t;

duckdb::LogicalType TokenLabelsType() {
  // start: the token's first character in the text (1-based, as substr and strpos count); length: its
  // characters, so that substr(text, start, length) is the text the token stands for.
  return duckdb::LogicalType::LIST(duckdb::LogicalType::STRUCT({{"token_id", duckdb::LogicalType::INTEGER},
                                                                {"token", duckdb::LogicalType::VARCHAR},
                                                                {"start", duckdb::LogicalType::INTEGER},
                                                                {"length", duckdb::LogicalType::INTEGER},
                                                                {"label", duckdb::LogicalType::VARCHAR},
                                                                {"probability", duckdb::LogicalType::FLOAT}}));
}

duckdb::LogicalType OneOutputType(const ml::LoadedModel& model) {
  switch (model.spec().task) {
    case ml::ModelTask::kTextClassification:
      return PredictionType();
    case ml::ModelTask::kTokenClassification:
      return TokenLabelsType();
    default:
      return duckdb::LogicalType::ARRAY(duckdb::LogicalType::FLOAT, model.output_width());
  }
}

// One text's encoding (a text has several with windows) and, once run, its model output row.
struct TextItem {
  idx_t row;
  text::Encoding encoding;
  std::optional<ml::Tensor> output;  // the batch's output, shared by value per item: [1, ...]
  std::string error;
};

// The output row `index` of a batch output, as a tensor of batch size 1.
ml::Tensor RowOf(const ml::Tensor& output, int64_t index) {
  ml::Tensor row;
  row.shape = output.shape;
  row.shape[0] = 1;
  const int64_t width = output.row_width();
  row.values.assign(output.values.begin() + index * width, output.values.begin() + (index + 1) * width);
  return row;
}

// Runs every item's encoding through the model, batch by batch, storing each item's output or error.
void RunItems(const ml::LoadedModel& model, std::vector<TextItem>& items) {
  std::vector<text::Encoding> encodings;
  encodings.reserve(items.size());
  for (const TextItem& item : items) encodings.push_back(item.encoding);
  const ml::IntraOpThreadScope threads;
  for (const ml::TextBatch& batch :
       ml::PlanTextBatches(encodings, model.spec().batch_size, model.text_inputs(), model.pad_id())) {
    auto output = model.runtime().RunNamed(batch.inputs);
    if (output.ok() && !output.value().shape.empty() &&
        output.value().shape[0] == static_cast<int64_t>(batch.items.size())) {
      for (size_t i = 0; i < batch.items.size(); ++i) {
        items[batch.items[i]].output = RowOf(output.value(), static_cast<int64_t>(i));
      }
      continue;
    }
    // One at a time, so only the items the model refuses fail.
    for (size_t item : batch.items) {
      auto single = ml::PlanTextBatches({encodings[item]}, 1, model.text_inputs(), model.pad_id());
      auto one = model.runtime().RunNamed(single[0].inputs);
      if (one.ok() && !one.value().shape.empty() && one.value().shape[0] == 1) {
        items[item].output = std::move(one).value();
      } else {
        items[item].error = one.ok() ? "the model's output has no batch dimension" : one.error();
      }
    }
  }
}

// Writes one item's output as row `index` of `vector` (of OneOutputType).
void WriteItem(const ml::LoadedModel& model, const TextItem& item, duckdb::Vector& vector, idx_t index) {
  const ml::ModelSpec& spec = model.spec();
  const ml::Tensor& output = *item.output;
  switch (spec.task) {
    case ml::ModelTask::kTextClassification:
      WritePredictions(vector, index,
                       ml::TopPredictions(output.values.data(), output.row_width(), spec, model.labels()));
      return;
    case ml::ModelTask::kTokenClassification: {
      std::vector<ml::TokenLabel> labels = ml::LabelTokens(output, 0, item.encoding, spec, model.labels());
      auto* entries = duckdb::FlatVector::GetData<duckdb::list_entry_t>(vector);
      const idx_t offset = duckdb::ListVector::GetListSize(vector);
      duckdb::ListVector::Reserve(vector, offset + labels.size());
      auto& fields = duckdb::StructVector::GetEntries(duckdb::ListVector::GetEntry(vector));
      for (idx_t i = 0; i < labels.size(); ++i) {
        duckdb::FlatVector::GetData<int32_t>(*fields[0])[offset + i] = static_cast<int32_t>(labels[i].token_id);
        std::string token = model.tokenizer().IdToToken(labels[i].token_id).value_or("");
        duckdb::FlatVector::GetData<duckdb::string_t>(*fields[1])[offset + i] =
            duckdb::StringVector::AddString(*fields[1], token);
        duckdb::FlatVector::GetData<int32_t>(*fields[2])[offset + i] = static_cast<int32_t>(labels[i].start + 1);
        duckdb::FlatVector::GetData<int32_t>(*fields[3])[offset + i] =
            static_cast<int32_t>(labels[i].end - labels[i].start);
        duckdb::FlatVector::GetData<duckdb::string_t>(*fields[4])[offset + i] =
            duckdb::StringVector::AddString(*fields[4], labels[i].label);
        duckdb::FlatVector::GetData<float>(*fields[5])[offset + i] = labels[i].probability;
      }
      entries[index] = {offset, labels.size()};
      duckdb::ListVector::SetListSize(vector, offset + labels.size());
      return;
    }
    default: {
      std::vector<float> pooled = ml::PoolTextRow(output, 0, item.encoding, spec.pooling);
      std::vector<float> embedding = ml::EmbeddingRow(pooled.data(), static_cast<int64_t>(pooled.size()), spec);
      auto& child = duckdb::ArrayVector::GetEntry(vector);
      const idx_t width = duckdb::ArrayType::GetSize(vector.GetType());
      auto* data = duckdb::FlatVector::GetData<float>(child);
      for (idx_t i = 0; i < width; i++) data[index * width + i] = i < embedding.size() ? embedding[i] : 0.0f;
      return;
    }
  }
}

}  // namespace

duckdb::LogicalType TextModelOutputType(const ml::LoadedModel& model) {
  duckdb::LogicalType one = OneOutputType(model);
  return model.spec().overflow == ml::Overflow::kWindows ? duckdb::LogicalType::LIST(one) : one;
}

void RunTextModel(const ml::LoadedModel& model, duckdb::Vector& input, idx_t count, FallibleResult& result) {
  duckdb::UnifiedVectorFormat texts;
  input.ToUnifiedFormat(count, texts);
  auto text_data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(texts);
  std::vector<TextItem> items;
  std::vector<size_t> first_item(count, 0);
  std::vector<size_t> item_count(count, 0);
  for (idx_t row = 0; row < count; ++row) {
    idx_t index = texts.sel->get_index(row);
    if (!texts.validity.RowIsValid(index)) {
      result.SetNull(row);
      continue;
    }
    const duckdb::string_t& text = text_data[index];
    auto encodings = model.EncodeText(std::string_view(text.GetData(), text.GetSize()));
    if (!encodings.ok()) {
      result.Fail(row, "model " + model.spec().name + ": " + encodings.error());
      continue;
    }
    first_item[row] = items.size();
    item_count[row] = encodings.value().size();
    for (text::Encoding& encoding : encodings.value()) items.push_back({row, std::move(encoding), std::nullopt, ""});
  }
  RunItems(model, items);

  duckdb::Vector& values = result.values();
  const bool windows = model.spec().overflow == ml::Overflow::kWindows;
  auto* entries = windows ? duckdb::FlatVector::GetData<duckdb::list_entry_t>(values) : nullptr;
  for (idx_t row = 0; row < count; ++row) {
    if (item_count[row] == 0) continue;  // NULL or failed above
    std::string error;
    for (size_t i = 0; i < item_count[row] && error.empty(); ++i) error = items[first_item[row] + i].error;
    if (!error.empty()) {
      if (windows) entries[row] = {duckdb::ListVector::GetListSize(values), 0};
      result.Fail(row, "model " + model.spec().name + ": " + error);
      continue;
    }
    if (!windows) {
      WriteItem(model, items[first_item[row]], values, row);
      continue;
    }
    const idx_t offset = duckdb::ListVector::GetListSize(values);
    duckdb::ListVector::Reserve(values, offset + item_count[row]);
    duckdb::Vector& child = duckdb::ListVector::GetEntry(values);
    for (size_t i = 0; i < item_count[row]; ++i) WriteItem(model, items[first_item[row] + i], child, offset + i);
    entries[row] = {offset, item_count[row]};
    duckdb::ListVector::SetListSize(values, offset + item_count[row]);
  }
}

}  // namespace quarry
