// Image transforms as SQL functions (see image_transform_functions.hpp and docs/sql.md).
//
// NULL in, NULL out. An invalid image (Spark's -1 form, e.g. an error row of read_images) stays
// invalid. Arguments that cannot work for any image (a width of 0, an unknown mode) or a rectangle
// outside a given image are errors naming the function, the argument and the image.
#include "functions/image_transform_functions.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "duckdb/catalog/default/default_functions.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/documented_function.hpp"
#include "functions/image_type.hpp"
#include "media/image_transform.hpp"

namespace quarry {

namespace {

using duckdb::idx_t;

constexpr const char* kResizeFunction = "__quarry_image_resize";

// Integer arguments of one row, read through unified formats.
class IntegerArguments {
 public:
  IntegerArguments(duckdb::DataChunk& args, idx_t first, idx_t count) : formats_(count) {
    for (idx_t i = 0; i < count; i++) args.data[first + i].ToUnifiedFormat(args.size(), formats_[i]);
  }
  // False when any argument of `row` is NULL.
  bool Read(idx_t row, std::vector<int64_t>& values) const {
    values.resize(formats_.size());
    for (idx_t i = 0; i < formats_.size(); i++) {
      const idx_t index = formats_[i].sel->get_index(row);
      if (!formats_[i].validity.RowIsValid(index)) return false;
      values[i] = duckdb::UnifiedVectorFormat::GetData<int64_t>(formats_[i])[index];
    }
    return true;
  }

 private:
  std::vector<duckdb::UnifiedVectorFormat> formats_;
};

// Runs `transform` on every row's image; `transform` gets the image, the row's integer arguments and
// the row's text argument (mode), and returns the new image or throws for bad arguments.
using RowTransform = std::function<Result<media::Image>(const media::ImageView&, const std::vector<int64_t>&,
                                                        const std::string& origin, const std::string& text)>;

void ApplyTransform(duckdb::DataChunk& args, duckdb::Vector& result, idx_t integer_count, bool has_text,
                    const RowTransform& transform) {
  const idx_t count = args.size();
  ImageStructReader images(args.data[0], count);
  IntegerArguments integers(args, 1, integer_count);
  duckdb::UnifiedVectorFormat text_format;
  if (has_text) args.data[1 + integer_count].ToUnifiedFormat(count, text_format);
  result.SetVectorType(duckdb::VectorType::FLAT_VECTOR);
  std::vector<int64_t> values;
  for (idx_t row = 0; row < count; row++) {
    std::string text;
    bool text_null = false;
    if (has_text) {
      const idx_t index = text_format.sel->get_index(row);
      text_null = !text_format.validity.RowIsValid(index);
      if (!text_null) text = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(text_format)[index].GetString();
    }
    if (images.IsNull(row) || !integers.Read(row, values) || text_null) {
      duckdb::FlatVector::SetNull(result, row, true);
      continue;
    }
    const std::string origin = images.Origin(row);
    auto image = images.View(row);
    if (!image.ok()) {
      WriteInvalidImage(result, row, origin);
      continue;
    }
    auto transformed = transform(image.value(), values, origin, text);
    if (!transformed.ok()) {
      throw duckdb::InvalidInputException(transformed.error());
    }
    WriteImage(result, row, origin, std::move(transformed).value());
  }
  if (count == 1 && args.AllConstant()) result.SetVectorType(duckdb::VectorType::CONSTANT_VECTOR);
}

int32_t CheckedSize(const char* function, const char* argument, int64_t value) {
  if (value <= 0 || value > 65535) {
    throw duckdb::InvalidInputException("%s: %s must be between 1 and 65535, got %lld", function, argument,
                                        static_cast<long long>(value));
  }
  return static_cast<int32_t>(value);
}

std::string Describe(const media::ImageView& image, const std::string& origin) {
  return std::to_string(image.width) + "x" + std::to_string(image.height) + " image '" + origin + "'";
}

// image_resize(image, width, height [, mode]): stretch (exactly width × height), fit (inside the box,
// aspect kept), fill (cover the box, aspect kept, then center-cropped to exactly width × height).
Result<media::Image> ResizeRow(const media::ImageView& image, const std::vector<int64_t>& values, const std::string&,
                               const std::string& mode) {
  const int32_t width = CheckedSize("image_resize", "width", values[0]);
  const int32_t height = CheckedSize("image_resize", "height", values[1]);
  if (mode == "stretch") return media::Resize(image, width, height);
  if (image.width == 0 || image.height == 0) return Error{"image_resize: cannot resize an empty image"};
  const double scale_x = static_cast<double>(width) / image.width;
  const double scale_y = static_cast<double>(height) / image.height;
  if (mode == "fit") {
    const double scale = std::min(scale_x, scale_y);
    return media::Resize(image, std::max(1, static_cast<int32_t>(std::lround(image.width * scale))),
                         std::max(1, static_cast<int32_t>(std::lround(image.height * scale))));
  }
  if (mode == "fill") {
    const double scale = std::max(scale_x, scale_y);
    auto covered = media::Resize(image, std::max(width, static_cast<int32_t>(std::lround(image.width * scale))),
                                 std::max(height, static_cast<int32_t>(std::lround(image.height * scale))));
    if (!covered.ok()) return covered;
    return media::CenterCrop(covered.value(), width, height);
  }
  throw duckdb::InvalidInputException("image_resize: mode must be 'stretch', 'fit' or 'fill', got '%s'", mode);
}

Result<media::Image> CropRow(const media::ImageView& image, const std::vector<int64_t>& values,
                             const std::string& origin, const std::string&) {
  const int64_t x = values[0], y = values[1], width = values[2], height = values[3];
  if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > image.width || y + height > image.height) {
    return Error{"image_crop: the rectangle x=" + std::to_string(x) + " y=" + std::to_string(y) +
                 " width=" + std::to_string(width) + " height=" + std::to_string(height) + " does not lie inside the " +
                 Describe(image, origin)};
  }
  return media::Crop(image, static_cast<int32_t>(x), static_cast<int32_t>(y), static_cast<int32_t>(width),
                     static_cast<int32_t>(height));
}

Result<media::Image> CenterCropRow(const media::ImageView& image, const std::vector<int64_t>& values,
                                   const std::string& origin, const std::string&) {
  const int32_t width = CheckedSize("image_center_crop", "width", values[0]);
  const int32_t height = CheckedSize("image_center_crop", "height", values[1]);
  if (width > image.width || height > image.height) {
    return Error{"image_center_crop: " + std::to_string(width) + "x" + std::to_string(height) + " is larger than the " +
                 Describe(image, origin)};
  }
  return media::CenterCrop(image, width, height);
}

Result<media::Image> GrayRow(const media::ImageView& image, const std::vector<int64_t>&, const std::string&,
                             const std::string&) {
  return media::ToGray(image);
}

void ResizeWithMode(duckdb::DataChunk& args, duckdb::ExpressionState&, duckdb::Vector& result) {
  ApplyTransform(args, result, 2, true, ResizeRow);
}
void Crop(duckdb::DataChunk& args, duckdb::ExpressionState&, duckdb::Vector& result) {
  ApplyTransform(args, result, 4, false, CropRow);
}
void CenterCrop(duckdb::DataChunk& args, duckdb::ExpressionState&, duckdb::Vector& result) {
  ApplyTransform(args, result, 2, false, CenterCropRow);
}
void ToGray(duckdb::DataChunk& args, duckdb::ExpressionState&, duckdb::Vector& result) {
  ApplyTransform(args, result, 0, false, GrayRow);
}

}  // namespace

void RegisterImageTransformFunctions(duckdb::ExtensionLoader& loader) {
  const auto image = ImageType();
  const auto integer = duckdb::LogicalType::BIGINT;
  const auto text = duckdb::LogicalType::VARCHAR;

  // Scalar functions take no named arguments in DuckDB, macros do: image_resize is a macro over the
  // function, so both image_resize(image, 224, 224, mode := 'fill') and (..., 'fill') work.
  duckdb::ScalarFunctionSet resize(kResizeFunction);
  resize.AddFunction(duckdb::ScalarFunction({image, integer, integer, text}, image, ResizeWithMode));
  RegisterDocumentedFunction(loader, std::move(resize), "image_resize's implementation; call image_resize.",
                             "image_resize(image, 224, 224)");
  duckdb::DefaultMacro resize_macro{DEFAULT_SCHEMA,
                                    "image_resize",
                                    {"image", "width", "height", nullptr},
                                    {{"mode", "'stretch'"}, {nullptr, nullptr}},
                                    "__quarry_image_resize(image, width, height, mode)"};
  auto macro = duckdb::DefaultFunctionGenerator::CreateInternalMacroInfo(resize_macro);
  duckdb::FunctionDescription documentation;
  documentation.description =
      "Resizes an image to width x height (Pillow-compatible bilinear, antialiased when shrinking). Mode "
      "'stretch' (default) gives exactly width x height; 'fit' keeps the aspect ratio inside the box; 'fill' "
      "keeps it, covers the box and center-crops to exactly width x height.";
  documentation.examples = {"image_resize(image, 224, 224, mode := 'fill')"};
  macro->descriptions.push_back(std::move(documentation));
  loader.RegisterFunction(*macro);

  duckdb::ScalarFunctionSet crop("image_crop");
  crop.AddFunction(duckdb::ScalarFunction({image, integer, integer, integer, integer}, image, Crop));
  RegisterDocumentedFunction(loader, std::move(crop),
                             "The width x height rectangle of an image whose top-left corner is (x, y).",
                             "image_crop(image, 10, 20, 100, 50)");

  duckdb::ScalarFunctionSet center_crop("image_center_crop");
  center_crop.AddFunction(duckdb::ScalarFunction({image, integer, integer}, image, CenterCrop));
  RegisterDocumentedFunction(loader, std::move(center_crop),
                             "The centered width x height rectangle of an image (torchvision's CenterCrop).",
                             "image_center_crop(image, 224, 224)");

  duckdb::ScalarFunctionSet gray("image_to_gray");
  gray.AddFunction(duckdb::ScalarFunction({image}, image, ToGray));
  RegisterDocumentedFunction(loader, std::move(gray), "The image in one gray channel, as Pillow's convert('L').",
                             "image_to_gray(image)");
}

}  // namespace quarry
