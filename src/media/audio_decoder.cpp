// ReadAudioHeader and DecodeAudio (see audio.hpp): libsndfile reads the bytes through its virtual I/O
// (no temporary file), libsoxr resamples (SOXR_HQ, one thread: DuckDB's threads are the parallelism).
// What libsndfile cannot open (AAC/M4A, the audio of MP4/MKV/WebM) goes through FFmpeg
// (audio_ffmpeg.hpp); mixdown and resampling are the same for both.
//
// Bounds: samples are read in blocks and the buffer grows with what was actually decoded, never with
// what the header claims (a corrupt header may say 0 or 2^62 frames), and decoding stops with an Error
// once the samples (before and after resampling) pass max_samples. A file cut short in its data decodes
// to the frames that are there, as libsndfile reads them; one cut in its header is an Error.
// Thread-safety: each call has its own SNDFILE handle and soxr state. libsndfile's only shared state is
// the reason of the last failed open (sf_strerror(nullptr)), which other threads overwrite, so a failed
// open is described from the bytes instead.
#include <sndfile.h>
#include <soxr.h>

#include "media/audio_ffmpeg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "media/audio.hpp"

namespace quarry::media {
namespace {

// Frames read per sf_readf_float call.
constexpr sf_count_t kBlockFrames = 4096;
// Largest reservation made from a header's frame count before any sample is read.
constexpr uint64_t kMaxReserveSamples = 1u << 22;
// Rates outside this range are refused (libsndfile accepts any positive int; soxr would allocate
// filters for absurd ratios).
constexpr int32_t kMaxSampleRate = 1'536'000;

// The bytes of a file as libsndfile's virtual I/O sees them.
struct MemoryStream {
  const uint8_t* data;
  sf_count_t size;
  sf_count_t position;
};

sf_count_t StreamLength(void* user) {
  return static_cast<MemoryStream*>(user)->size;
}

sf_count_t StreamSeek(sf_count_t offset, int whence, void* user) {
  auto* stream = static_cast<MemoryStream*>(user);
  sf_count_t base = 0;
  switch (whence) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = stream->position;
      break;
    case SEEK_END:
      base = stream->size;
      break;
    default:
      return -1;
  }
  // Overflow-safe: offsets beyond the data clamp to its ends.
  if (offset < -base) return -1;
  stream->position = offset > stream->size - base ? stream->size : base + offset;
  return stream->position;
}

sf_count_t StreamRead(void* target, sf_count_t count, void* user) {
  auto* stream = static_cast<MemoryStream*>(user);
  if (count <= 0) return 0;
  const sf_count_t available = std::min(count, stream->size - stream->position);
  if (available <= 0) return 0;
  std::memcpy(target, stream->data + stream->position, static_cast<size_t>(available));
  stream->position += available;
  return available;
}

sf_count_t StreamWrite(const void*, sf_count_t, void*) {
  return 0;
}

sf_count_t StreamTell(void* user) {
  return static_cast<MemoryStream*>(user)->position;
}

// An open SNDFILE over bytes that outlive it; closes on destruction.
class SoundFile {
 public:
  explicit SoundFile(std::span<const uint8_t> bytes) : stream_{bytes.data(), static_cast<sf_count_t>(bytes.size()), 0} {
    SF_VIRTUAL_IO io{StreamLength, StreamSeek, StreamRead, StreamWrite, StreamTell};
    file_ = sf_open_virtual(&io, SFM_READ, &info_, &stream_);
  }
  ~SoundFile() {
    if (file_ != nullptr) sf_close(file_);
  }
  SoundFile(const SoundFile&) = delete;
  SoundFile& operator=(const SoundFile&) = delete;

  // An Error when the open failed or the header is unusable; else an empty message.
  std::string Check() const {
    if (file_ == nullptr) return OpenFailure();
    if (info_.channels <= 0) return "audio file has no channels: " + std::to_string(info_.channels);
    if (info_.samplerate <= 0 || info_.samplerate > kMaxSampleRate) {
      return "audio file has an invalid sample rate: " + std::to_string(info_.samplerate);
    }
    return {};
  }
  SNDFILE* file() const { return file_; }
  const SF_INFO& info() const { return info_; }
  // The header's frame count, 0 when it is unknown or nonsensical.
  int64_t header_frames() const { return info_.frames > 0 && info_.frames < SF_COUNT_MAX ? info_.frames : 0; }

 private:
  // Why the open failed, from the bytes themselves: libsndfile's own reason for a failed open is a
  // process-wide variable that other threads overwrite (it often reads "No Error.").
  std::string OpenFailure() const {
    if (stream_.size == 0) return "empty file: 0 bytes, not audio";
    std::string first;
    for (sf_count_t i = 0; i < std::min<sf_count_t>(stream_.size, 8); i++) {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%s%02x", i ? " " : "", stream_.data[i]);
      first += hex;
    }
    return "not an audio file libsndfile can read (an unknown format or a header cut short): " +
           std::to_string(stream_.size) + " bytes, first bytes " + first;
  }

  MemoryStream stream_;
  SF_INFO info_{};
  SNDFILE* file_ = nullptr;
};

std::string TooLong(uint64_t samples, uint64_t limit) {
  return "audio exceeds the decoded sample limit: " + std::to_string(samples) + " samples > " + std::to_string(limit);
}

// Reads every frame, mixing down to one channel when `mono`; an Error past `max_samples`.
Result<std::vector<float>> ReadSamples(const SoundFile& sound, bool mono, uint64_t max_samples) {
  const int channels = sound.info().channels;
  const int out_channels = mono ? 1 : channels;
  std::vector<float> samples;
  const uint64_t hinted = static_cast<uint64_t>(sound.header_frames()) * out_channels;
  samples.reserve(std::min({hinted, max_samples, kMaxReserveSamples}));
  std::vector<float> block(static_cast<size_t>(kBlockFrames) * channels);
  uint64_t read_samples = 0;  // before mixdown: bounded too, it is what was decoded
  while (true) {
    const sf_count_t frames = sf_readf_float(sound.file(), block.data(), kBlockFrames);
    if (frames <= 0) break;
    read_samples += static_cast<uint64_t>(frames) * channels;
    const uint64_t kept = samples.size() + static_cast<uint64_t>(frames) * out_channels;
    if (read_samples > max_samples || kept > max_samples) return Error{TooLong(read_samples, max_samples)};
    if (!mono || channels == 1) {
      samples.insert(samples.end(), block.begin(), block.begin() + frames * channels);
      continue;
    }
    for (sf_count_t frame = 0; frame < frames; ++frame) {
      const float* sample = block.data() + frame * channels;
      double sum = 0.0;
      for (int c = 0; c < channels; ++c) sum += sample[c];
      samples.push_back(static_cast<float>(sum / channels));
    }
  }
  if (samples.empty() && sf_error(sound.file()) != SF_ERR_NO_ERROR) {
    return Error{std::string("cannot decode audio: ") + sf_strerror(sound.file())};
  }
  return samples;
}

// Resamples interleaved `samples` of `channels` from `in_rate` to `out_rate` with soxr (HQ).
Result<std::vector<float>> Resample(const std::vector<float>& samples, int channels, int32_t in_rate, int32_t out_rate,
                                    uint64_t max_samples) {
  const size_t in_frames = samples.size() / channels;
  const double ratio = static_cast<double>(out_rate) / in_rate;
  // soxr gives round(in_frames * ratio) frames; the buffer has room for one more.
  const double nominal = std::round(static_cast<double>(in_frames) * ratio);
  if (nominal * channels > static_cast<double>(max_samples)) {
    return Error{TooLong(static_cast<uint64_t>(nominal) * channels, max_samples)};
  }
  if (in_frames == 0) return std::vector<float>{};
  const size_t capacity = static_cast<size_t>(std::ceil(static_cast<double>(in_frames) * ratio)) + 1;
  std::vector<float> out(capacity * channels);
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  size_t in_done = 0, out_done = 0;
  const soxr_error_t error = soxr_oneshot(in_rate, out_rate, static_cast<unsigned>(channels), samples.data(), in_frames,
                                          &in_done, out.data(), capacity, &out_done, &io, &quality, &runtime);
  if (error != nullptr) return Error{std::string("cannot resample audio: ") + error};
  out.resize(std::min(out_done, static_cast<size_t>(nominal)) * channels);
  return out;
}

// The average of each frame's channels.
std::vector<float> MixToMono(const std::vector<float>& samples, int channels) {
  std::vector<float> mono(samples.size() / channels);
  for (size_t frame = 0; frame < mono.size(); frame++) {
    double sum = 0;
    for (int channel = 0; channel < channels; channel++) sum += samples[frame * channels + channel];
    mono[frame] = static_cast<float>(sum / channels);
  }
  return mono;
}

// Mixdown and resampling as `options` say, for samples at the file's rate and channels.
Result<Audio> Finish(Audio audio, const DecodeAudioOptions& options) {
  if (options.mono && audio.channels > 1) {
    audio.samples = MixToMono(audio.samples, audio.channels);
    audio.channels = 1;
  }
  if (options.sample_rate > 0 && options.sample_rate != audio.sample_rate) {
    auto resampled =
        Resample(audio.samples, audio.channels, audio.sample_rate, options.sample_rate, options.max_samples);
    if (!resampled.ok()) return Error{resampled.error()};
    audio.samples = std::move(resampled).value();
    audio.sample_rate = options.sample_rate;
  }
  audio.frames = static_cast<int64_t>(audio.samples.size() / audio.channels);
  return audio;
}

}  // namespace

Result<AudioHeader> ReadAudioHeader(std::span<const uint8_t> bytes) {
  const SoundFile sound(bytes);
  if (std::string problem = sound.Check(); !problem.empty()) {
    // Not libsndfile's: AAC/M4A or the audio of a video container, through FFmpeg.
    bool recognised = false;
    auto header = ReadAudioHeaderWithFfmpeg(bytes, &recognised);
    if (header.ok() || recognised) return header;
    return Error{std::move(problem)};
  }
  AudioHeader header;
  header.sample_rate = sound.info().samplerate;
  header.channels = sound.info().channels;
  header.frames = sound.header_frames();
  return header;
}

Result<Audio> DecodeAudio(std::span<const uint8_t> bytes, const DecodeAudioOptions& options) {
  if (options.sample_rate < 0 || options.sample_rate > kMaxSampleRate) {
    return Error{"audio target sample rate is out of range: " + std::to_string(options.sample_rate)};
  }
  const SoundFile sound(bytes);
  if (std::string problem = sound.Check(); !problem.empty()) {
    // Not libsndfile's: AAC/M4A or the audio of a video container, through FFmpeg. A file FFmpeg
    // cannot open keeps libsndfile's reason; one it opens but cannot decode gets FFmpeg's.
    bool recognised = false;
    auto header = ReadAudioHeaderWithFfmpeg(bytes, &recognised);
    if (!header.ok()) return Error{recognised ? header.error() : std::move(problem)};
    auto decoded = DecodeAudioWithFfmpeg(bytes, options.max_samples);
    if (!decoded.ok()) return Error{decoded.error()};
    return Finish(std::move(decoded).value(), options);
  }
  const int channels = options.mono ? 1 : sound.info().channels;
  const uint64_t header_samples = static_cast<uint64_t>(sound.header_frames()) * sound.info().channels;
  if (header_samples > options.max_samples) return Error{TooLong(header_samples, options.max_samples)};

  auto samples = ReadSamples(sound, options.mono, options.max_samples);
  if (!samples.ok()) return Error{samples.error()};
  Audio audio;
  audio.sample_rate = sound.info().samplerate;
  audio.channels = channels;
  audio.samples = std::move(samples).value();
  if (options.sample_rate > 0 && options.sample_rate != audio.sample_rate) {
    auto resampled = Resample(audio.samples, channels, audio.sample_rate, options.sample_rate, options.max_samples);
    if (!resampled.ok()) return Error{resampled.error()};
    audio.samples = std::move(resampled).value();
    audio.sample_rate = options.sample_rate;
  }
  audio.frames = static_cast<int64_t>(audio.samples.size() / channels);
  return audio;
}

}  // namespace quarry::media
