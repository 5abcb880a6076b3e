// read_pdf: PDF documents as rows, one per page (see read_pdf.hpp and docs/sql.md).
//
// Each file is one FileRowCursor over a media::PdfDocument. A file that cannot be opened (missing,
// not a PDF, encrypted without its password) is one error row with page NULL; a page that cannot be
// read is an error row for that page and the others are kept. Pages are rendered only when
// image.data (or the whole image) is read; image.width / height alone come from the page size. A
// page that loads but fails to render shows its error when its pixels are read.
#include "functions/read_pdf.hpp"

#include "functions/file_scan.hpp"
#include "functions/image_type.hpp"
#include "functions/picture_parameters.hpp"
#include "io/file_reader.hpp"
#include "media/pdf/pdf_document.hpp"

namespace quarry {

namespace {

enum PdfColumn : size_t { kPage = 0, kImage = 1, kText = 2, kWidth = 3, kHeight = 4 };

struct PdfOptions {
  double dpi = 150;
  std::vector<int32_t> pages;  // empty: all, in order
  std::string password;
  uint64_t max_pixels = 89478485;
};

void WriteText(duckdb::Vector* vector, duckdb::idx_t row, const std::string* text) {
  if (!vector) return;
  if (text) {
    duckdb::FlatVector::GetData<duckdb::string_t>(*vector)[row] = duckdb::StringVector::AddString(*vector, *text);
  }
  duckdb::FlatVector::SetNull(*vector, row, text == nullptr);
}

// The pages of one file.
class PdfCursor : public FileRowCursor {
 public:
  PdfCursor(const PdfOptions& options, const io::ListedFile& file, const FilePart& part, const io::FileStore& files)
      : options_(options), file_(file), part_(part), files_(files) {}

  bool Next(const RowRequest& request, RowOutcome& outcome) override {
    duckdb::Vector* image = request.columns[kImage];
    const ImageFieldSet fields = image ? ImageFieldSet::FromColumnIndex(*request.indexes[kImage]) : ImageFieldSet();
    if (!opened_) {
      opened_ = true;
      auto document = OpenDocument();
      if (!document.ok()) {  // the file is one error row, from its first part
        if (part_.index != 0) return false;
        WriteReaderScalar<int32_t>(request.columns[kPage], request.row, std::nullopt);
        WriteText(request.columns[kText], request.row, nullptr);
        WriteReaderScalar<double>(request.columns[kWidth], request.row, std::nullopt);
        WriteReaderScalar<double>(request.columns[kHeight], request.row, std::nullopt);
        if (image) WriteInvalidImage(*image, request.row, file_.path, fields);
        outcome.error = document.error();
        return true;
      }
      document_ = std::move(document).value();
      page_count_ = document_->PageCount();
      if (options_.pages.empty()) {
        const auto [begin, end] = part_.Slice(static_cast<size_t>(page_count_));
        for (size_t page = begin; page < end; page++) pages_.push_back(static_cast<int32_t>(page + 1));
      } else {
        const auto [begin, end] = part_.Slice(options_.pages.size());
        pages_.assign(options_.pages.begin() + static_cast<std::ptrdiff_t>(begin),
                      options_.pages.begin() + static_cast<std::ptrdiff_t>(end));
      }
    }
    if (!document_) return false;
    if (next_ == pages_.size()) return false;
    const int32_t page = pages_[next_++];
    WriteReaderScalar<int32_t>(request.columns[kPage], request.row, page);

    std::optional<std::string> error;
    auto size =
        page <= page_count_
            ? document_->PageSize(page)
            : Result<media::PdfPageSize>(Error{"page " + std::to_string(page) + " does not exist: the document has " +
                                               std::to_string(page_count_) + " pages"});
    if (!size.ok()) error = size.error();
    WriteReaderScalar<double>(request.columns[kWidth], request.row,
                              size.ok() ? std::optional<double>(size.value().width_pt) : std::nullopt);
    WriteReaderScalar<double>(request.columns[kHeight], request.row,
                              size.ok() ? std::optional<double>(size.value().height_pt) : std::nullopt);

    std::optional<std::string> text;
    if (!error && (request.columns[kText] || request.validate)) {
      auto read = document_->PageText(page);
      if (read.ok()) {
        text = std::move(read).value();
        outcome.bytes += text->size();
      } else {
        error = read.error();
      }
    }
    WriteText(request.columns[kText], request.row, text && !error ? &*text : nullptr);

    if (image) {
      std::optional<std::pair<int32_t, int32_t>> pixels;
      if (!error) {
        auto rendered_size = document_->RenderedSize(page, options_.dpi);
        if (rendered_size.ok()) {
          pixels = rendered_size.value();
        } else {
          error = rendered_size.error();
        }
      }
      const double area = pixels ? static_cast<double>(pixels->first) * pixels->second : 0;
      if (!error && fields.Has(kImageData) && area > static_cast<double>(options_.max_pixels)) {
        error = "page " + std::to_string(page) + " at " + std::to_string(static_cast<int>(options_.dpi)) + " dpi is " +
                std::to_string(pixels->first) + "x" + std::to_string(pixels->second) + " pixels, over the limit of " +
                std::to_string(options_.max_pixels) + " (max_pixels)";
      }
      if (!error) {
        error = WriteImageInPlace(
            *image, request.row, file_.path, pixels->first, pixels->second, 3, fields,
            [&](uint8_t* destination) { return document_->RenderPageInto(page, options_.dpi, destination); });
        if (!error && fields.Has(kImageData)) outcome.bytes += static_cast<uint64_t>(area) * 3;
      } else {
        WriteInvalidImage(*image, request.row, file_.path, fields);
      }
    }
    outcome.error = std::move(error);
    return true;
  }

  double Progress() const override {
    return pages_.empty() ? 0 : static_cast<double>(next_) / static_cast<double>(pages_.size());
  }

 private:
  Result<std::unique_ptr<media::PdfDocument>> OpenDocument() const {
    auto bytes = io::ReadFileBytes(files_, file_.path, io::kDefaultMaxFileBytes);
    if (!bytes.ok()) return Error{bytes.error()};
    return media::PdfDocument::Open(std::move(bytes).value(), options_.password);
  }

  const PdfOptions& options_;
  const io::ListedFile& file_;
  const FilePart part_;
  const io::FileStore& files_;
  bool opened_ = false;
  std::unique_ptr<media::PdfDocument> document_;
  int page_count_ = 0;
  std::vector<int32_t> pages_;  // this part's pages, in order
  size_t next_ = 0;
};

class PdfRowReader : public FileRowReader {
 public:
  PdfOptions options;

  std::vector<std::pair<std::string, duckdb::LogicalType>> Columns() const override {
    return {{"page", duckdb::LogicalType::INTEGER},
            {"image", ImageType()},
            {"text", duckdb::LogicalType::VARCHAR},
            {"width_pt", duckdb::LogicalType::DOUBLE},
            {"height_pt", duckdb::LogicalType::DOUBLE}};
  }
  bool OneRowPerFile() const override { return false; }
  double EstimatedRowsPerFile() const override { return options.pages.empty() ? 10 : options.pages.size(); }
  // Pages render one at a time: a document read alone is split into page ranges for the threads it has.
  void SetThreadsPerFile(duckdb::idx_t threads) override { parts_ = static_cast<uint32_t>(threads); }
  uint32_t PartsPerFile() const override { return parts_; }

  std::unique_ptr<FileRowCursor> Open(const io::ListedFile& file, const FilePart& part, ReaderThreadState*,
                                      const RowRequest& request) const override {
    return std::make_unique<PdfCursor>(options, file, part, *request.files);
  }

 private:
  uint32_t parts_ = 1;
};

duckdb::unique_ptr<FileRowReader> MakePdfReader(duckdb::ClientContext&, duckdb::TableFunctionBindInput& input) {
  auto reader = duckdb::make_uniq<PdfRowReader>();
  auto& options = reader->options;
  for (const auto& [name, value] : input.named_parameters) {
    if (name == "dpi") {
      if (value.IsNull()) throw duckdb::BinderException("read_pdf: dpi must not be NULL");
      options.dpi = value.DefaultCastAs(duckdb::LogicalType::DOUBLE).GetValue<double>();
      if (!(options.dpi >= 1) || options.dpi > 2400) {
        throw duckdb::BinderException("read_pdf: dpi must be between 1 and 2400, got %s", value.ToString());
      }
    } else if (name == "pages") {
      if (value.IsNull() || value.type().id() != duckdb::LogicalTypeId::LIST) {
        throw duckdb::BinderException("read_pdf: pages must be a list of page numbers, e.g. [1, 3], got %s",
                                      value.ToString());
      }
      for (const auto& child : duckdb::ListValue::GetChildren(value)) {
        const int64_t page = child.IsNull() ? 0 : child.DefaultCastAs(duckdb::LogicalType::BIGINT).GetValue<int64_t>();
        if (page < 1 || page > 1000000000) {
          throw duckdb::BinderException("read_pdf: pages are numbered from 1, got %s", child.ToString());
        }
        options.pages.push_back(static_cast<int32_t>(page));
      }
      if (options.pages.empty()) throw duckdb::BinderException("read_pdf: pages must not be empty");
    } else if (name == "password") {
      if (value.IsNull()) throw duckdb::BinderException("read_pdf: password must not be NULL");
      options.password = value.ToString();
    } else if (name == "max_pixels") {
      options.max_pixels = MaxPixelsParameter(value, "read_pdf");
    }
  }
  return reader;
}

}  // namespace

void RegisterReadPdf(duckdb::ExtensionLoader& loader) {
  FileTableFunctionSpec spec;
  spec.name = "read_pdf";
  spec.make_reader = MakePdfReader;
  spec.named_parameters = {{"dpi", duckdb::LogicalType::DOUBLE},
                           {"pages", duckdb::LogicalType::LIST(duckdb::LogicalType::BIGINT)},
                           {"password", duckdb::LogicalType::VARCHAR},
                           {"max_pixels", duckdb::LogicalType::BIGINT}};
  spec.description =
      "PDF documents as rows, one per page: path, page (from 1), image (rendered at dpi := 150 when read), text (the "
      "text layer in reading order), width_pt, height_pt, error, Hive partition columns. pages := [..] picks pages; "
      "password := '...' opens encrypted files.";
  spec.example = "SELECT path, page, text FROM read_pdf('invoices/*.pdf')";
  RegisterFileTableFunction(loader, spec);
}

}  // namespace quarry
