// FFmpeg's audio decoding from memory (see audio_ffmpeg.hpp).
#include "media/audio_ffmpeg.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "media/video/avio_input.hpp"
#include "media/video/ffmpeg_log.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace quarry::media {

namespace {

constexpr int32_t kMaxSampleRate = 1'536'000;

// Formats libsndfile reads: a file of one of these that libsndfile refused is broken, not FFmpeg's.
bool OwnedByLibsndfile(const char* format_name) {
  const std::string name = format_name ? format_name : "";
  for (const char* owned : {"wav", "w64", "flac", "ogg", "mp3", "aiff", "au", "caf", "voc", "sds", "ircam"}) {
    if (name == owned) return true;
  }
  return false;
}

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

// An opened file and decoder for its best audio stream; frees everything on destruction.
class AudioInput {
 public:
  ~AudioInput() {
    swr_free(&converter_);
    av_frame_free(&frame_);
    av_packet_free(&packet_);
    avcodec_free_context(&codec_);
  }

  // Opens the bytes (which must outlive this object); an Error says why not.
  Result<bool> Open(std::span<const uint8_t> bytes) {
    FfmpegLogCapture::Install();
    FfmpegLogCapture::Clear();
    auto input = AvioInput::Open(std::make_unique<io::MemoryFile>(bytes));
    if (!input.ok()) return Error{"not a file FFmpeg can open: " + input.error()};
    input_ = std::move(input).value();
    format_ = input_->format();
    if (OwnedByLibsndfile(format_->iformat->name)) return Error{"a format libsndfile reads"};
    recognised_ = true;
    int code = avformat_find_stream_info(format_, nullptr);
    if (code < 0) return Error{"cannot read the file's streams: " + AvError(code)};
    const AVCodec* decoder = nullptr;
    stream_index_ = av_find_best_stream(format_, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
    if (stream_index_ < 0 || !decoder) return Error{"no audio stream FFmpeg can decode in the file"};
    for (unsigned i = 0; i < format_->nb_streams; i++) {
      if (static_cast<int>(i) != stream_index_) format_->streams[i]->discard = AVDISCARD_ALL;
    }
    codec_ = avcodec_alloc_context3(decoder);
    if (!codec_) return Error{"out of memory"};
    code = avcodec_parameters_to_context(codec_, format_->streams[stream_index_]->codecpar);
    if (code >= 0) code = avcodec_open2(codec_, decoder, nullptr);
    if (code < 0) return Error{"cannot open the audio decoder: " + AvError(code)};
    if (codec_->ch_layout.nb_channels <= 0) return Error{"audio stream has no channels"};
    if (codec_->sample_rate <= 0 || codec_->sample_rate > kMaxSampleRate) {
      return Error{"audio stream has an invalid sample rate: " + std::to_string(codec_->sample_rate)};
    }
    packet_ = av_packet_alloc();
    frame_ = av_frame_alloc();
    if (!packet_ || !frame_) return Error{"out of memory"};
    return true;
  }

  // Whether the container is one FFmpeg knows (and libsndfile does not).
  bool recognised() const { return recognised_; }

  AudioHeader Header() const {
    AudioHeader header;
    header.sample_rate = codec_->sample_rate;
    header.channels = codec_->ch_layout.nb_channels;
    const AVStream* stream = format_->streams[stream_index_];
    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
      header.frames = av_rescale_q(stream->duration, stream->time_base, AVRational{1, codec_->sample_rate});
    } else if (format_->duration != AV_NOPTS_VALUE && format_->duration > 0) {  // Matroska: the file's only
      header.frames = av_rescale_q(format_->duration, AV_TIME_BASE_Q, AVRational{1, codec_->sample_rate});
    }
    return header;
  }

  // Decodes every frame into interleaved float32.
  Result<Audio> Decode(uint64_t max_samples) {
    Audio audio;
    audio.sample_rate = codec_->sample_rate;
    audio.channels = codec_->ch_layout.nb_channels;
    bool flushed = false;
    while (true) {
      int code = avcodec_receive_frame(codec_, frame_);
      if (code == 0) {
        auto appended = Append(audio, max_samples);
        av_frame_unref(frame_);
        if (!appended.ok()) return Error{appended.error()};
        continue;
      }
      if (code == AVERROR_EOF) break;
      if (code != AVERROR(EAGAIN)) return Error{"cannot decode the audio: " + AvError(code) + Captured()};
      if (flushed) break;
      code = av_read_frame(format_, packet_);
      if (code < 0) {
        avcodec_send_packet(codec_, nullptr);
        flushed = true;
        continue;
      }
      if (packet_->stream_index == stream_index_) {
        code = avcodec_send_packet(codec_, packet_);
        // A damaged packet loses its samples, not the file (as libsndfile reads what is there).
        (void)code;
      }
      av_packet_unref(packet_);
    }
    if (audio.samples.empty()) return Error{"no audio could be decoded" + Captured()};
    audio.frames = static_cast<int64_t>(audio.samples.size() / audio.channels);
    return audio;
  }

 private:
  static std::string Captured() { return FfmpegLogCapture::LastMessageSuffix(); }

  Result<bool> Append(Audio& audio, uint64_t max_samples) {
    const int channels = audio.channels;
    if (frame_->ch_layout.nb_channels != channels || frame_->sample_rate != audio.sample_rate) {
      return Error{"the audio stream changes its channels or rate midway"};
    }
    const uint64_t total = audio.samples.size() + static_cast<uint64_t>(frame_->nb_samples) * channels;
    if (total > max_samples) {
      return Error{"audio exceeds the decoded sample limit: more than " + std::to_string(max_samples) + " samples"};
    }
    if (!converter_) {
      int code = swr_alloc_set_opts2(&converter_, &frame_->ch_layout, AV_SAMPLE_FMT_FLT, frame_->sample_rate,
                                     &frame_->ch_layout, static_cast<AVSampleFormat>(frame_->format),
                                     frame_->sample_rate, 0, nullptr);
      if (code < 0 || swr_init(converter_) < 0) return Error{"cannot convert the audio's sample format"};
    }
    const size_t start = audio.samples.size();
    audio.samples.resize(start + static_cast<size_t>(frame_->nb_samples) * channels);
    auto* out = reinterpret_cast<uint8_t*>(audio.samples.data() + start);
    const int converted = swr_convert(converter_, &out, frame_->nb_samples,
                                      const_cast<const uint8_t**>(frame_->extended_data), frame_->nb_samples);
    if (converted < 0) return Error{"cannot convert the audio's sample format"};
    audio.samples.resize(start + static_cast<size_t>(converted) * channels);
    return true;
  }

  std::unique_ptr<AvioInput> input_;
  AVFormatContext* format_ = nullptr;  // input_'s
  AVCodecContext* codec_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  SwrContext* converter_ = nullptr;
  int stream_index_ = -1;
  bool recognised_ = false;
};

}  // namespace

Result<AudioHeader> ReadAudioHeaderWithFfmpeg(std::span<const uint8_t> bytes, bool* recognised) {
  AudioInput input;
  auto opened = input.Open(bytes);
  if (recognised) *recognised = input.recognised();
  if (!opened.ok()) return Error{opened.error()};
  return input.Header();
}

Result<Audio> DecodeAudioWithFfmpeg(std::span<const uint8_t> bytes, uint64_t max_samples) {
  AudioInput input;
  auto opened = input.Open(bytes);
  if (!opened.ok()) return Error{opened.error()};
  return input.Decode(max_samples);
}

}  // namespace quarry::media
