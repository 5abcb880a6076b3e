// ocr() and ocr_text(): image arguments to the OCR engine, lines to vectors
// (see ocr_functions.hpp).
#include "functions/ocr_functions.hpp"
#include "functions/file_access.hpp"
#include "functions/query_file_store.hpp"

#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/builtin_engine.hpp"
#include "functions/fallible_function.hpp"
#include "functions/image_argument.hpp"
#include "ml/intra_op_threads.hpp"
#include "ml/ocr/ocr_engine.hpp"

namespace quarry {
namespace {

using duckdb::idx_t;

// Images recognized per engine call: the detector runs image by image, the
// recognizer batches the lines of all of them; a small group bounds the decoded
// pixels held at once.
constexpr idx_t kImagesPerCall = 8;

duckdb::LogicalType LinesType() {
  return duckdb::LogicalType::LIST(
      duckdb::LogicalType::STRUCT({{"text", duckdb::LogicalType::VARCHAR},
                                   {"confidence", duckdb::LogicalType::FLOAT},
                                   {"box", duckdb::LogicalType::ARRAY(duckdb::LogicalType::INTEGER, 8)}}));
}

void WriteLines(duckdb::Vector& result, idx_t row, const std::vector<ml::ocr::OcrLine>& lines) {
  auto* entries = duckdb::FlatVector::GetData<duckdb::list_entry_t>(result);
  const idx_t offset = duckdb::ListVector::GetListSize(result);
  duckdb::ListVector::Reserve(result, offset + lines.size());
  auto& child = duckdb::ListVector::GetEntry(result);
  auto& fields = duckdb::StructVector::GetEntries(child);
  auto& box_values = duckdb::ArrayVector::GetEntry(*fields[2]);
  auto* boxes = duckdb::FlatVector::GetData<int32_t>(box_values);
  for (idx_t i = 0; i < lines.size(); i++) {
    const auto& line = lines[i];
    duckdb::FlatVector::GetData<duckdb::string_t>(*fields[0])[offset + i] =
        duckdb::StringVector::AddString(*fields[0], line.text);
    duckdb::FlatVector::GetData<float>(*fields[1])[offset + i] = line.confidence;
    std::copy(line.box.begin(), line.box.end(), boxes + (offset + i) * 8);
  }
  entries[row] = {offset, lines.size()};
  duckdb::ListVector::SetListSize(result, offset + lines.size());
}

void WriteText(duckdb::Vector& result, idx_t row, const std::vector<ml::ocr::OcrLine>& lines) {
  duckdb::FlatVector::GetData<duckdb::string_t>(result)[row] =
      duckdb::StringVector::AddString(result, ml::ocr::OcrEngine::JoinText(lines));
}

// Recognizes the argument's rows in groups and hands each row's lines to `write`; a row that is not a
// usable image, or that the engine fails on, fails with the picture's origin and the cause.
template <ImageArgumentKind kKind, void (*kWrite)(duckdb::Vector&, idx_t, const std::vector<ml::ocr::OcrLine>&)>
void ExecuteOcr(duckdb::DataChunk& args, duckdb::ExpressionState& state, FallibleResult& result) {
  if (kKind == ImageArgumentKind::kPath) CheckPathArgumentAccess(state.GetContext(), args.data[0], args.size());
  const auto engine_holder = BuiltinEngine<ml::ocr::OcrEngine>(state, "ocr");
  const auto& engine = *engine_holder;
  const idx_t count = args.size();
  const QueryFileStore files(state.GetContext());
  const ImageArgument argument(kKind, args.data[0], count, {}, files);
  for (idx_t first = 0; first < count; first += kImagesPerCall) {
    const idx_t last = std::min(count, first + kImagesPerCall);
    std::vector<std::optional<media::Image>> decoded(last - first);
    std::vector<media::ImageView> views;
    std::vector<idx_t> rows;
    for (idx_t row = first; row < last; row++) {
      if (argument.IsNull(row)) {
        result.SetNull(row);
        continue;
      }
      auto view = argument.Row(row, decoded[row - first]);
      if (!view.ok()) {
        result.Fail(row, RowError(argument.Origin(row), view.error()));
        continue;
      }
      views.push_back(view.value());
      rows.push_back(row);
    }
    if (views.empty()) continue;
    const ml::IntraOpThreadScope threads;
    auto recognized = engine.Recognize(views);
    for (size_t i = 0; i < rows.size(); i++) {
      if (recognized[i].ok()) {
        kWrite(result.values(), rows[i], recognized[i].value());
      } else {
        result.Fail(rows[i], RowError(argument.Origin(rows[i]), recognized[i].error()));
      }
    }
  }
}

template <void (*kWrite)(duckdb::Vector&, idx_t, const std::vector<ml::ocr::OcrLine>&)>
FallibleFunctionSets MakeOcrSets(const std::string& name, const duckdb::LogicalType& output) {
  return MakeFallibleFunctions(name,
                               {{ImageType(), ExecuteOcr<ImageArgumentKind::kImage, kWrite>},
                                {duckdb::LogicalType::VARCHAR, ExecuteOcr<ImageArgumentKind::kPath, kWrite>},
                                {duckdb::LogicalType::BLOB, ExecuteOcr<ImageArgumentKind::kBlob, kWrite>}},
                               output);
}

}  // namespace

void RegisterOcrFunctions(duckdb::ExtensionLoader& loader) {
  RegisterFallibleFunctions(loader, MakeOcrSets<WriteLines>("ocr", LinesType()),
                            "Text lines in an image (built-in PP-OCRv4, Chinese and English), in reading order: "
                            "text, confidence and the four corners of each line",
                            "SELECT ocr(image) FROM read_images('scans/')",
                            "SELECT file, try_ocr(file).error FROM glob('scans/*')");
  RegisterFallibleFunctions(loader, MakeOcrSets<WriteText>("ocr_text", duckdb::LogicalType::VARCHAR),
                            "The text in an image (built-in PP-OCRv4), lines joined in reading order",
                            "SELECT ocr_text('receipt.jpg')", "SELECT try_ocr_text('receipt.jpg').error");
}

}  // namespace quarry
