// VideoDecoder on libavformat/libavcodec/libswscale (see video_decoder.hpp).
//
// The loop: demux a packet of the chosen stream, send it to the decoder, take decoded frames out, pick
// the ones the options select, convert those. Frame indexes: with a constant frame rate a frame's index
// follows from its timestamp (so seeking keeps them right); otherwise frames are counted as decoded
// (and the decoder never seeks or skips).
#include "media/video/video_decoder.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "media/video/avio_input.hpp"
#include "media/video/ffmpeg_log.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace quarry::media {

namespace {

// After this many errors in a row a file is given up (an error row says so), so a file of garbage
// cannot produce errors without end.
constexpr int kMaxConsecutiveErrors = 100;

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

}  // namespace

struct VideoDecoder::State {
  VideoReadOptions options;
  std::unique_ptr<AvioInput> input;
  AVFormatContext* format = nullptr;  // input's
  AVCodecContext* codec = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  AVFrame* previous = nullptr;  // fps mode: the last frame before the next target, not yet emitted
  bool has_previous = false;
  double previous_timestamp = 0;
  int64_t previous_index = 0;
  SwsContext* scaler = nullptr;
  int scaler_width = 0, scaler_height = 0, scaler_format = -1, scaler_colorspace = -1, scaler_range = -1;
  int stream_index = -1;
  double time_base = 0;
  int64_t start_pts = 0;
  double frame_rate = 0;              // frames per second, 0 when unknown
  bool constant_rate = false;         // index = round(timestamp * frame_rate); seeking allowed
  int64_t decoded = 0;                // frames out of the decoder so far (the index without a constant rate)
  int64_t next_target = 0;            // fps mode: the k of the next k/fps target
  std::optional<int64_t> end_target;  // fps mode: the first target not to take (SelectTargets)
  double last_emitted = -std::numeric_limits<double>::infinity();
  double last_timestamp = 0;                                          // of the last decoded frame
  double sought_key_time = -std::numeric_limits<double>::infinity();  // the last seek's key frame
  bool seeking = true;                                                // false once a seek landed after its target
  std::optional<double> verify_target;  // the target of the seek whose first frame is still to come
  int64_t file_bytes = 0;
  int consecutive_errors = 0;
  bool error_reported = false;
  bool input_done = false;  // the decoder has been flushed
  bool finished = false;
  // A frame decided but not yet returned, with its decoded picture when pixels are wanted.
  struct QueuedFrame {
    VideoFrame frame;
    AVFrame* decoded = nullptr;  // owned
  };
  std::deque<QueuedFrame> queued;
  AVFrame* current = nullptr;  // the decoded picture of the frame Next returned last (owned)

  ~State() {
    for (auto& entry : queued) av_frame_free(&entry.decoded);
    av_frame_free(&current);
    sws_freeContext(scaler);
    av_frame_free(&previous);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
  }

  double Timestamp(const AVFrame* decoded_frame) const {
    int64_t pts = decoded_frame->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = decoded_frame->pts;
    if (pts == AV_NOPTS_VALUE) return frame_rate > 0 ? static_cast<double>(decoded) / frame_rate : 0;
    return static_cast<double>(pts - start_pts) * time_base;
  }

  int64_t IndexOf(double timestamp, int64_t counted) const {
    return constant_rate ? std::llround(timestamp * frame_rate) : counted;
  }

  double TargetTime(int64_t k) const { return static_cast<double>(k) / options.fps; }

  int32_t OutputWidth(const AVFrame* f) const { return options.width > 0 ? options.width : f->width; }
  int32_t OutputHeight(const AVFrame* f) const { return options.height > 0 ? options.height : f->height; }

  // Writes the frame as BGR pixels into `destination` (OutputWidth x OutputHeight x 3 bytes), converted
  // as the ffmpeg command's scale filter does. Returns the error, if any.
  std::optional<std::string> ConvertInto(const AVFrame* f, uint8_t* destination) {
    const int width = OutputWidth(f), height = OutputHeight(f);
    if (!scaler || scaler_width != f->width || scaler_height != f->height || scaler_format != f->format) {
      sws_freeContext(scaler);
      scaler = sws_alloc_context();
      if (!scaler) return "cannot allocate a pixel converter";
      av_opt_set_int(scaler, "srcw", f->width, 0);
      av_opt_set_int(scaler, "srch", f->height, 0);
      av_opt_set_int(scaler, "src_format", f->format, 0);
      av_opt_set_int(scaler, "dstw", width, 0);
      av_opt_set_int(scaler, "dsth", height, 0);
      av_opt_set_int(scaler, "dst_format", AV_PIX_FMT_BGR24, 0);
      av_opt_set_int(scaler, "sws_flags", SWS_BICUBIC, 0);
      // MPEG-2 chroma positions for 4:2:0, as libavfilter's scale filter sets them.
      if (f->format == AV_PIX_FMT_YUV420P) av_opt_set_int(scaler, "src_v_chr_pos", 128, 0);
      if (sws_init_context(scaler, nullptr, nullptr) < 0) {
        sws_freeContext(scaler);
        scaler = nullptr;
        const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(f->format));
        return std::string("cannot convert frames of pixel format ") + (name ? name : "unknown");
      }
      scaler_width = f->width;
      scaler_height = f->height;
      scaler_format = f->format;
      scaler_colorspace = scaler_range = -1;
    }
    if (scaler_colorspace != f->colorspace || scaler_range != f->color_range) {
      // The colour matrix and range of the frame, as the scale filter applies them.
      int *inverse_table = nullptr, *table = nullptr;
      int source_full = 0, destination_full = 0, brightness = 0, contrast = 0, saturation = 0;
      sws_getColorspaceDetails(scaler, &inverse_table, &source_full, &table, &destination_full, &brightness, &contrast,
                               &saturation);
      const int* coefficients = sws_getCoefficients(f->colorspace);
      if (f->color_range != AVCOL_RANGE_UNSPECIFIED) source_full = f->color_range == AVCOL_RANGE_JPEG;
      sws_setColorspaceDetails(scaler, coefficients, source_full, coefficients, destination_full, brightness, contrast,
                               saturation);
      scaler_colorspace = f->colorspace;
      scaler_range = f->color_range;
    }
    uint8_t* planes[4] = {destination, nullptr, nullptr, nullptr};
    int strides[4] = {width * 3, 0, 0, 0};
    const int rows = sws_scale(scaler, f->data, f->linesize, 0, f->height, planes, strides);
    if (rows != height) return "cannot convert the frame's pixels";
    return std::nullopt;
  }

  // A frame row for `f`; with `want_pixels` the frame is kept (a reference) for WritePixels.
  QueuedFrame MakeFrame(const AVFrame* f, double timestamp, int64_t index, bool want_pixels) {
    QueuedFrame out;
    out.frame.index = index;
    out.frame.timestamp = timestamp;
    out.frame.width = OutputWidth(f);
    out.frame.height = OutputHeight(f);
    const uint64_t pixels = static_cast<uint64_t>(out.frame.width) * static_cast<uint64_t>(out.frame.height);
    if (f->decode_error_flags != 0 || (f->flags & AV_FRAME_FLAG_CORRUPT)) {
      out.frame.error = "frame " + std::to_string(index) + ": corrupt data" + FfmpegLogCapture::LastMessageSuffix();
    } else if (pixels > options.max_pixels) {
      out.frame.error = "frame " + std::to_string(index) + ": " + std::to_string(out.frame.width) + "x" +
                        std::to_string(out.frame.height) + " pixels, over the limit of " +
                        std::to_string(options.max_pixels);
    } else if (want_pixels) {
      out.decoded = av_frame_clone(f);
      if (!out.decoded) out.frame.error = "frame " + std::to_string(index) + ": out of memory";
      out.frame.has_pixels = out.decoded != nullptr;
    }
    return out;
  }

  VideoFrame ErrorFrame(std::string message, int64_t index = -1) {
    VideoFrame out;
    out.index = index;
    out.timestamp = last_timestamp;
    out.error = std::move(message) + FfmpegLogCapture::LastMessageSuffix();
    error_reported = true;
    consecutive_errors++;
    if (consecutive_errors >= kMaxConsecutiveErrors) {
      out.error = *out.error + " (" + std::to_string(kMaxConsecutiveErrors) +
                  " errors in a row: the rest of the file is skipped)";
      finished = true;
    }
    return out;
  }

  // At the end of a whole-file read: fewer frames than the container announced, with no error said
  // yet, means the file was cut short somewhere a demuxer does not notice.
  void CheckFrameCount() {
    const int64_t announced = format->streams[stream_index]->nb_frames;
    const bool whole_file = options.fps <= 0 && options.start <= 0 && !options.end && !options.keyframes_only;
    if (whole_file && !error_reported && announced > 0 && decoded < announced) {
      QueueError("the file ends early: " + std::to_string(decoded) + " of the " + std::to_string(announced) +
                 " frames its header announces were decoded");
    }
  }

  void QueueError(std::string message, int64_t index = -1) {
    queued.push_back(QueuedFrame{ErrorFrame(std::move(message), index), nullptr});
  }

  // fps mode: when the next target lies beyond a key frame after what was decoded, seek there so the
  // frames between are neither decoded nor converted. Only with a constant frame rate (indexes stay
  // right) and an index to look key frames up in.
  //
  // The seek asks for the last key frame shown before target + half a frame: any frame before that key
  // frame is further from the target than the key frame is. Demuxers differ on whether they compare
  // presentation or decoding times, so the first frame after a seek is checked (VerifySeek).
  void SeekTowardTarget() {
    if (!constant_rate || options.fps <= 0 || input_done || !seeking) return;
    AVStream* stream = format->streams[stream_index];
    const double target = TargetTime(next_target);
    if (target <= last_timestamp + 2.0 / frame_rate) return;
    const int64_t seek_pts = start_pts + static_cast<int64_t>(std::floor((target + 0.5 / frame_rate) / time_base)) - 1;
    const AVIndexEntry* entry = avformat_index_get_entry_from_timestamp(stream, seek_pts, AVSEEK_FLAG_BACKWARD);
    if (!entry) return;
    const double key_time = static_cast<double>(entry->timestamp - start_pts) * time_base;
    // Forward only, and never to the same key frame twice: a demuxer that lands earlier than its index
    // said costs decoding, never a loop.
    if (key_time <= last_timestamp + 1.0 / frame_rate || key_time <= sought_key_time) return;
    sought_key_time = key_time;
    if (av_seek_frame(format, stream_index, seek_pts, AVSEEK_FLAG_BACKWARD) < 0) return;
    avcodec_flush_buffers(codec);
    has_previous = false;
    verify_target = target;
  }

  // The first frame after a seek must lie less than half a frame after the target it was made for;
  // otherwise an earlier frame might be nearer: go back to before the target and stop seeking in this
  // file (the frames up to the target are decoded again; those already given are not repeated).
  // Returns whether `timestamp` may be taken.
  bool VerifySeek(double timestamp) {
    if (!verify_target) return true;
    const double target = *verify_target;
    verify_target.reset();
    if (timestamp < target + 0.5 / frame_rate) return true;
    seeking = false;
    const int64_t back_pts = start_pts + static_cast<int64_t>(std::floor(std::max(0.0, last_emitted) / time_base));
    if (av_seek_frame(format, stream_index, back_pts, AVSEEK_FLAG_BACKWARD) >= 0) avcodec_flush_buffers(codec);
    has_previous = false;
    return false;
  }

  // Whether the decoder may skip decoding the frame of a packet at `timestamp`: fps mode with a
  // constant rate, and a frame nearer the next target certainly lies after it.
  bool Unwanted(double timestamp) const {
    if (!constant_rate) return false;
    if (timestamp < options.start - 1.0 / frame_rate) return true;
    if (options.fps <= 0) return false;
    return timestamp < TargetTime(next_target) - 1.0 / frame_rate;
  }

  void Emit(const AVFrame* f, double timestamp, int64_t index, bool want_pixels) {
    last_emitted = timestamp;
    queued.push_back(MakeFrame(f, timestamp, index, want_pixels));
  }

  // Decides what to do with a decoded frame: queues the frames it selects.
  void Take(bool want_pixels) {
    const double timestamp = Timestamp(frame);
    if (!VerifySeek(timestamp)) return;
    const int64_t counted = decoded++;
    last_timestamp = std::max(last_timestamp, timestamp);
    consecutive_errors = 0;
    const int64_t index = IndexOf(timestamp, counted);
    if (timestamp < options.start - 1e-9 || timestamp <= last_emitted) return;
    if (options.end && timestamp >= *options.end) {
      finished = true;
      return;
    }
    if (options.fps <= 0) {
      Emit(frame, timestamp, index, want_pixels);
      return;
    }
    TakeNearest(timestamp, index, want_pixels);
    if (PastSelectedTargets()) finished = true;
  }

  bool PastSelectedTargets() const { return end_target && next_target >= *end_target; }

  // fps mode: the targets this frame (or the one before it) is nearest to.
  void TakeNearest(double timestamp, int64_t index, bool want_pixels) {
    // fps mode: each target at or before this frame goes to it or to the previous frame, whichever is
    // nearer (the earlier on a tie); a frame is emitted once however many targets it is nearest to.
    while (TargetTime(next_target) < options.start - 1e-9) next_target++;
    while (TargetTime(next_target) <= timestamp && !PastSelectedTargets()) {
      const double target = TargetTime(next_target);
      if (has_previous && target - previous_timestamp <= timestamp - target) {
        if (previous_timestamp > last_emitted) Emit(previous, previous_timestamp, previous_index, want_pixels);
        next_target++;
        continue;
      }
      Emit(frame, timestamp, index, want_pixels);
      while (TargetTime(next_target) <= timestamp) next_target++;
      has_previous = false;
      return;
    }
    av_frame_unref(previous);
    av_frame_ref(previous, frame);
    previous_timestamp = timestamp;
    previous_index = index;
    has_previous = true;
  }

  // At the end of the stream: the last frame is the nearest to a target less than half a frame after
  // it (a target further on is nearer the frame that would follow: past the end of the video).
  void TakeLast(bool want_pixels) {
    if (options.fps <= 0 || !has_previous || PastSelectedTargets()) return;
    const double half_frame = frame_rate > 0 ? 0.5 / frame_rate : 0;
    if (TargetTime(next_target) < previous_timestamp + half_frame && previous_timestamp > last_emitted) {
      Emit(previous, previous_timestamp, previous_index, want_pixels);
    }
    has_previous = false;
  }
};

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::Open(const std::string& path, const VideoReadOptions& options) {
  auto file = io::LocalFileStore().Open(path);
  if (!file.ok()) return Error{file.error()};
  return Open(std::move(file).value(), options);
}

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::Open(std::unique_ptr<io::RandomAccessFile> file,
                                                         const VideoReadOptions& options) {
  FfmpegLogCapture::Install();
  FfmpegLogCapture::Clear();
  auto state = std::make_unique<State>();
  state->options = options;
  auto input = AvioInput::Open(std::move(file));
  if (!input.ok()) return Error{"not a video file FFmpeg can open: " + input.error()};
  state->input = std::move(input).value();
  state->format = state->input->format();
  int code = avformat_find_stream_info(state->format, nullptr);
  if (code < 0) return Error{"cannot read the video's streams: " + AvError(code)};
  const AVCodec* decoder = nullptr;
  state->stream_index = av_find_best_stream(state->format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
  if (state->stream_index == AVERROR_STREAM_NOT_FOUND) return Error{"no video stream in the file"};
  if (state->stream_index < 0 || !decoder) return Error{"no decoder for the file's video stream"};
  AVStream* stream = state->format->streams[state->stream_index];
  for (unsigned i = 0; i < state->format->nb_streams; i++) {
    if (static_cast<int>(i) != state->stream_index) state->format->streams[i]->discard = AVDISCARD_ALL;
  }
  state->codec = avcodec_alloc_context3(decoder);
  if (!state->codec) return Error{"cannot allocate a video decoder"};
  code = avcodec_parameters_to_context(state->codec, stream->codecpar);
  if (code < 0) return Error{"cannot set up the video decoder: " + AvError(code)};
  // fps := seeks often; a frame-threaded decoder would decode frames ahead only to drop them at each
  // seek, so it decodes on the calling thread alone.
  state->codec->thread_count = options.fps > 0 ? 1 : std::max(1, options.decoder_threads);
  if (options.keyframes_only) state->codec->skip_frame = AVDISCARD_NONKEY;
  code = avcodec_open2(state->codec, decoder, nullptr);
  if (code < 0) return Error{"cannot open the video decoder: " + AvError(code)};
  state->packet = av_packet_alloc();
  state->frame = av_frame_alloc();
  state->previous = av_frame_alloc();
  if (!state->packet || !state->frame || !state->previous) return Error{"cannot allocate video buffers"};

  state->time_base = av_q2d(stream->time_base);
  state->start_pts = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
  const AVRational average = stream->avg_frame_rate, real = stream->r_frame_rate;
  if (average.num > 0 && average.den > 0)
    state->frame_rate = av_q2d(average);
  else if (real.num > 0 && real.den > 0)
    state->frame_rate = av_q2d(real);
  state->constant_rate = state->frame_rate > 0 && average.num > 0 && av_cmp_q(average, real) == 0;
  state->file_bytes = static_cast<int64_t>(state->input->file_bytes());
  if (options.start > 0 && state->constant_rate) {
    const int64_t start_pts = state->start_pts + static_cast<int64_t>(std::floor(options.start / state->time_base));
    if (av_seek_frame(state->format, state->stream_index, start_pts, AVSEEK_FLAG_BACKWARD) >= 0) {
      avcodec_flush_buffers(state->codec);
    }
  }
  return std::unique_ptr<VideoDecoder>(new VideoDecoder(std::move(state)));
}

VideoDecoder::VideoDecoder(std::unique_ptr<State> state) : state_(std::move(state)) {}
VideoDecoder::~VideoDecoder() = default;

std::optional<VideoFrame> VideoDecoder::Next(bool want_pixels) {
  State& s = *state_;
  FfmpegLogCapture::Clear();
  while (s.queued.empty()) {
    if (s.finished) return std::nullopt;
    // Frames the decoder holds come first.
    const int received = avcodec_receive_frame(s.codec, s.frame);
    if (received == 0) {
      s.Take(want_pixels);
      av_frame_unref(s.frame);
      continue;
    }
    if (received == AVERROR_EOF) {
      s.TakeLast(want_pixels);
      s.CheckFrameCount();
      s.finished = true;
      continue;
    }
    if (received != AVERROR(EAGAIN)) {
      s.QueueError("cannot decode a frame after " + std::to_string(s.decoded) + " frames: " + AvError(received));
      continue;
    }
    // The decoder wants input.
    if (s.input_done) {  // flushed yet asks for more: nothing more will come
      s.TakeLast(want_pixels);
      s.finished = true;
      continue;
    }
    if (s.options.fps > 0) s.SeekTowardTarget();  // before reading on: maybe the next target is far
    const int read = av_read_frame(s.format, s.packet);
    if (read < 0) {
      if (read != AVERROR_EOF) {
        s.QueueError("the file ends early or is damaged after " + std::to_string(s.decoded) +
                     " frames: " + AvError(read));
      }
      avcodec_send_packet(s.codec, nullptr);  // flush: the frames still inside come out
      s.input_done = true;
      continue;
    }
    if (s.packet->stream_index != s.stream_index) {
      av_packet_unref(s.packet);
      continue;
    }
    int64_t packet_pts = s.packet->pts != AV_NOPTS_VALUE ? s.packet->pts : s.packet->dts;
    const double packet_time =
        packet_pts != AV_NOPTS_VALUE ? static_cast<double>(packet_pts - s.start_pts) * s.time_base : s.last_timestamp;
    if (s.options.end && packet_pts != AV_NOPTS_VALUE && s.packet->dts != AV_NOPTS_VALUE &&
        static_cast<double>(s.packet->dts - s.start_pts) * s.time_base > *s.options.end + 1.0) {
      // Decoding order is past the end by a second: every frame before the end has been sent.
      av_packet_unref(s.packet);
      avcodec_send_packet(s.codec, nullptr);
      s.input_done = true;
      continue;
    }
    if (!s.options.keyframes_only) {
      s.codec->skip_frame = s.Unwanted(packet_time) ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
    }
    const int sent = avcodec_send_packet(s.codec, s.packet);
    av_packet_unref(s.packet);
    if (sent < 0 && sent != AVERROR(EAGAIN)) {
      const int64_t index = s.constant_rate ? std::llround(packet_time * s.frame_rate) : -1;
      s.QueueError(
          "frame " + (index >= 0 ? std::to_string(index) : std::string("?")) + ": corrupt data: " + AvError(sent),
          index);
    }
  }
  av_frame_free(&s.current);
  s.current = s.queued.front().decoded;
  VideoFrame out = std::move(s.queued.front().frame);
  s.queued.pop_front();
  return out;
}

std::optional<std::string> VideoDecoder::WritePixels(uint8_t* destination) {
  if (!state_->current) return "no decoded frame to write";
  return state_->ConvertInto(state_->current, destination);
}

std::optional<int64_t> VideoDecoder::TargetCount() const {
  const State& s = *state_;
  if (s.options.fps <= 0 || !s.constant_rate || s.options.fps * 2 > s.frame_rate) return std::nullopt;
  if (s.format->duration == AV_NOPTS_VALUE || s.format->duration <= 0) return std::nullopt;
  double seconds = static_cast<double>(s.format->duration) / AV_TIME_BASE;
  if (s.options.end) seconds = std::min(seconds, *s.options.end);
  return static_cast<int64_t>(std::floor(seconds * s.options.fps)) + 1;
}

void VideoDecoder::SelectTargets(int64_t first, std::optional<int64_t> end) {
  state_->next_target = first;
  state_->end_target = end;
  if (end && first >= *end) state_->finished = true;
}

double VideoDecoder::Progress() const {
  const State& s = *state_;
  if (s.finished) return 1.0;
  if (s.file_bytes > 0 && s.format->pb) {
    return std::clamp(static_cast<double>(avio_tell(s.format->pb)) / static_cast<double>(s.file_bytes), 0.0, 1.0);
  }
  return 0;
}

}  // namespace quarry::media
