// read_video: videos as rows, one per frame (see read_video.hpp and docs/sql.md).
//
// Each file is one FileRowCursor over a media::VideoDecoder, kept open between output chunks. Work per
// row depends on what the query reads: the pixels are converted to BGR only when image.data (or the
// whole image) is read; otherwise frames are decoded but not converted.
#include "functions/read_video.hpp"

#include <algorithm>
#include <tuple>

#include "functions/file_scan.hpp"
#include "functions/image_type.hpp"
#include "functions/picture_parameters.hpp"
#include "io/file_reader.hpp"
#include "media/video/video_decoder.hpp"

namespace quarry {

namespace {

enum VideoColumn : size_t { kFrame = 0, kTimestamp = 1, kImage = 2 };

class VideoRowReader;

// The frames of one file.
class VideoCursor : public FileRowCursor {
 public:
  VideoCursor(const media::VideoReadOptions& options, const io::ListedFile& file, const FilePart& part,
              const io::FileStore& files)
      : options_(options), file_(file), part_(part), files_(files) {}

  bool Next(const RowRequest& request, RowOutcome& outcome) override {
    duckdb::Vector* image = request.columns[kImage];
    const ImageFieldSet fields = image ? ImageFieldSet::FromColumnIndex(*request.indexes[kImage]) : ImageFieldSet();
    if (!opened_) {
      opened_ = true;
      auto opened = files_.Open(file_.path);
      auto decoder = opened.ok() ? media::VideoDecoder::Open(std::move(opened).value(), options_)
                                 : Result<std::unique_ptr<media::VideoDecoder>>(Error{opened.error()});
      if (!decoder.ok()) {  // the file is one error row, from its first part
        if (part_.index != 0) return false;
        WriteReaderScalar<int64_t>(request.columns[kFrame], request.row, std::nullopt);
        WriteReaderScalar<double>(request.columns[kTimestamp], request.row, std::nullopt);
        if (image) WriteInvalidImage(*image, request.row, file_.path, fields);
        outcome.error = decoder.error();
        return true;
      }
      decoder_ = std::move(decoder).value();
      if (!SelectPart()) decoder_.reset();
    }
    if (!decoder_) return false;
    auto frame = decoder_->Next(image && fields.Has(kImageData));
    if (!frame) return false;
    WriteReaderScalar<int64_t>(request.columns[kFrame], request.row,
                               frame->index >= 0 ? std::optional<int64_t>(frame->index) : std::nullopt);
    WriteReaderScalar<double>(request.columns[kTimestamp], request.row, frame->timestamp);
    if (frame->error) {
      if (image) WriteInvalidImage(*image, request.row, file_.path, fields);
      outcome.error = std::move(frame->error);
    } else if (image && frame->has_pixels) {
      outcome.error = WriteImageInPlace(*image, request.row, file_.path, frame->width, frame->height, 3, fields,
                                        [this](uint8_t* pixels) { return decoder_->WritePixels(pixels); });
      if (!outcome.error) outcome.bytes = static_cast<uint64_t>(frame->width) * frame->height * 3;
    } else if (image) {
      WriteImageHeader(*image, request.row, file_.path, frame->width, frame->height, 3, fields);
    }
    return true;
  }

  // A part's share of the file is about 1/count of its bytes, from index/count on.
  double Progress() const override {
    if (!decoder_) return 0;
    return std::clamp(decoder_->Progress() * part_.count - part_.index, 0.0, 1.0);
  }

 private:
  // Limits the decoder to this part's targets: a contiguous range of the file's fps targets. A file that
  // cannot be split by time is read whole by part 0. Returns false when this part has nothing to read.
  bool SelectPart() {
    if (part_.count == 1) return true;
    const auto targets = decoder_->TargetCount();
    if (!targets) return part_.index == 0;
    const auto [first, end] = part_.Slice(static_cast<size_t>(*targets));
    const bool last = part_.index + 1 == part_.count;  // the last part takes whatever lies beyond
    decoder_->SelectTargets(static_cast<int64_t>(first),
                            last ? std::nullopt : std::optional<int64_t>(static_cast<int64_t>(end)));
    return true;
  }

  const media::VideoReadOptions& options_;
  const io::ListedFile& file_;
  const FilePart part_;
  const io::FileStore& files_;
  bool opened_ = false;
  std::unique_ptr<media::VideoDecoder> decoder_;
};

class VideoRowReader : public FileRowReader {
 public:
  media::VideoReadOptions options;

  std::vector<std::pair<std::string, duckdb::LogicalType>> Columns() const override {
    return {{"frame", duckdb::LogicalType::BIGINT}, {"timestamp", duckdb::LogicalType::DOUBLE}, {"image", ImageType()}};
  }
  bool OneRowPerFile() const override { return false; }
  double EstimatedRowsPerFile() const override { return 1000; }
  // Every frame: libavcodec's threads decode the file. fps :=: the decoder seeks from target to target
  // on one thread, so the file is split into time ranges, one per thread it has.
  void SetThreadsPerFile(duckdb::idx_t threads) override {
    options.decoder_threads = static_cast<int>(threads);
    parts_ = options.fps > 0 ? static_cast<uint32_t>(threads) : 1;
  }
  uint32_t PartsPerFile() const override { return parts_; }

  std::unique_ptr<FileRowCursor> Open(const io::ListedFile& file, const FilePart& part, ReaderThreadState*,
                                      const RowRequest& request) const override {
    return std::make_unique<VideoCursor>(options, file, part, *request.files);
  }

 private:
  uint32_t parts_ = 1;
};

double SecondsParameter(const duckdb::Value& value, const std::string& name) {
  if (value.IsNull()) throw duckdb::BinderException("read_video: %s must not be NULL", name);
  const double seconds = value.DefaultCastAs(duckdb::LogicalType::DOUBLE).GetValue<double>();
  if (!(seconds >= 0) || seconds > 1e9) {
    throw duckdb::BinderException("read_video: %s must be a number of seconds >= 0, got %s", name, value.ToString());
  }
  return seconds;
}

duckdb::unique_ptr<FileRowReader> MakeVideoReader(duckdb::ClientContext&, duckdb::TableFunctionBindInput& input) {
  auto reader = duckdb::make_uniq<VideoRowReader>();
  auto& options = reader->options;
  for (const auto& [name, value] : input.named_parameters) {
    if (name == "fps") {
      if (value.IsNull()) throw duckdb::BinderException("read_video: fps must not be NULL");
      options.fps = value.DefaultCastAs(duckdb::LogicalType::DOUBLE).GetValue<double>();
      if (!(options.fps > 0) || options.fps > 1e6) {
        throw duckdb::BinderException("read_video: fps must be a positive number of frames per second, got %s",
                                      value.ToString());
      }
    } else if (name == "start") {
      options.start = SecondsParameter(value, name);
    } else if (name == "end") {
      options.end = SecondsParameter(value, name);
    } else if (name == "size") {
      std::tie(options.width, options.height) = PictureSizeParameter(value, "read_video");
    } else if (name == "keyframes_only") {
      options.keyframes_only = !value.IsNull() && duckdb::BooleanValue::Get(value);
    } else if (name == "max_pixels") {
      options.max_pixels = MaxPixelsParameter(value, "read_video");
    }
  }
  if (options.end && *options.end <= options.start) {
    throw duckdb::BinderException("read_video: end (%g) must be after start (%g)", *options.end, options.start);
  }
  return reader;
}

}  // namespace

void RegisterReadVideo(duckdb::ExtensionLoader& loader) {
  FileTableFunctionSpec spec;
  spec.name = "read_video";
  spec.make_reader = MakeVideoReader;
  spec.named_parameters = {{"fps", duckdb::LogicalType::DOUBLE},
                           {"start", duckdb::LogicalType::DOUBLE},
                           {"end", duckdb::LogicalType::DOUBLE},
                           {"size", duckdb::LogicalType::ANY},
                           {"keyframes_only", duckdb::LogicalType::BOOLEAN},
                           {"max_pixels", duckdb::LogicalType::BIGINT}};
  spec.description =
      "Videos as rows, one per frame (H.264, VP9, MPEG-4, MJPEG and the rest FFmpeg decodes): path, frame (index in "
      "the stream), timestamp (seconds), image (Spark's image struct, BGR), error, Hive partition columns. fps := N "
      "keeps the frame nearest each k/N seconds; start/end seek; size := N or [w, h] scales; keyframes_only.";
  spec.example = "SELECT path, frame, timestamp FROM read_video('clips/*.mp4', fps := 1)";
  RegisterFileTableFunction(loader, spec);
}

}  // namespace quarry
