// Tests of ReadAudioHeader and DecodeAudio (src/media/audio_decoder.cpp) on files that
// tests/fixtures/make_audio_fixtures.py writes at test time: 16-bit and float WAV, FLAC, OGG/Vorbis,
// MP3 and espeak-ng speech; mono mixdown, resampling to 16 kHz (frame count and a sine's frequency and
// amplitude kept), the sample limit, and broken files, which must be Errors, never crashes.
#include <gtest/gtest.h>

#include "fixture_folder.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include "media/audio.hpp"

namespace quarry::media {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<float> ReadFloats(const fs::path& path) {
  const std::vector<uint8_t> bytes = ReadBytes(path);
  std::vector<float> floats(bytes.size() / sizeof(float));
  std::memcpy(floats.data(), bytes.data(), floats.size() * sizeof(float));
  return floats;
}

// The amplitude of the `frequency` component of one channel over frames [first, first + count):
// 2/N |sum x[n] e^(-i w n)|, independent of phase (so of a codec's delay).
double Amplitude(const Audio& audio, int channel, double frequency, int64_t first, int64_t count) {
  double real = 0.0, imaginary = 0.0;
  for (int64_t n = first; n < first + count; ++n) {
    const double x = audio.samples[n * audio.channels + channel];
    const double phase = 2 * M_PI * frequency * static_cast<double>(n) / audio.sample_rate;
    real += x * std::cos(phase);
    imaginary += x * std::sin(phase);
  }
  return 2.0 * std::hypot(real, imaginary) / static_cast<double>(count);
}

// Sign changes of one channel over the frames [first, first + count).
int ZeroCrossings(const Audio& audio, int channel, int64_t first, int64_t count) {
  int crossings = 0;
  for (int64_t n = first + 1; n < first + count; ++n) {
    const float previous = audio.samples[(n - 1) * audio.channels + channel];
    const float current = audio.samples[n * audio.channels + channel];
    if ((previous < 0) != (current < 0)) ++crossings;
  }
  return crossings;
}

class AudioDecoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static const quarry::testing::FixtureFolder folder("make_audio_fixtures.py");  // removed at exit
    directory_ = folder.path();
    status_ = folder.ok() ? 0 : 1;
  }
  void SetUp() override { ASSERT_EQ(status_, 0) << "make_audio_fixtures.py failed"; }

  static Result<Audio> Decode(const std::string& name, const DecodeAudioOptions& options = {}) {
    return DecodeAudio(ReadBytes(directory_ / name), options);
  }

  static inline fs::path directory_;
  static inline int status_ = -1;
};

TEST_F(AudioDecoderTest, Wav16BitStereoDecodesExactly) {
  auto header = ReadAudioHeader(ReadBytes(directory_ / "stereo16.wav"));
  ASSERT_TRUE(header.ok()) << header.error();
  EXPECT_EQ(header.value().sample_rate, 44100);
  EXPECT_EQ(header.value().channels, 2);
  EXPECT_EQ(header.value().frames, 44100);
  auto audio = Decode("stereo16.wav");
  ASSERT_TRUE(audio.ok()) << audio.error();
  EXPECT_EQ(audio.value().sample_rate, 44100);
  EXPECT_EQ(audio.value().channels, 2);
  EXPECT_EQ(audio.value().frames, 44100);
  EXPECT_DOUBLE_EQ(audio.value().duration_seconds(), 1.0);
  EXPECT_EQ(audio.value().samples, ReadFloats(directory_ / "stereo16.f32"));
}

TEST_F(AudioDecoderTest, MonoIsTheAverageOfTheChannels) {
  DecodeAudioOptions options;
  options.mono = true;
  auto mono = Decode("stereo16.wav", options);
  ASSERT_TRUE(mono.ok()) << mono.error();
  ASSERT_EQ(mono.value().channels, 1);
  ASSERT_EQ(mono.value().frames, 44100);
  const std::vector<float> stereo = ReadFloats(directory_ / "stereo16.f32");
  for (size_t i = 0; i < 44100; ++i) {
    ASSERT_EQ(mono.value().samples[i], static_cast<float>((double{stereo[2 * i]} + stereo[2 * i + 1]) / 2)) << i;
  }
}

TEST_F(AudioDecoderTest, FloatWavDecodesExactly) {
  auto audio = Decode("float32.wav");
  ASSERT_TRUE(audio.ok()) << audio.error();
  EXPECT_EQ(audio.value().sample_rate, 48000);
  EXPECT_EQ(audio.value().channels, 1);
  EXPECT_EQ(audio.value().frames, 24000);
  EXPECT_EQ(audio.value().samples, ReadFloats(directory_ / "float32.f32"));
}

TEST_F(AudioDecoderTest, FlacIsLossless) {
  auto audio = Decode("stereo16.flac");
  ASSERT_TRUE(audio.ok()) << audio.error();
  EXPECT_EQ(audio.value().sample_rate, 44100);
  EXPECT_EQ(audio.value().channels, 2);
  EXPECT_EQ(audio.value().samples, ReadFloats(directory_ / "stereo16.f32"));
}

TEST_F(AudioDecoderTest, LossyCodecsKeepTheTones) {
  for (const char* name : {"stereo16.ogg", "stereo16.mp3"}) {
    auto header = ReadAudioHeader(ReadBytes(directory_ / name));
    ASSERT_TRUE(header.ok()) << name << ": " << header.error();
    EXPECT_EQ(header.value().sample_rate, 44100) << name;
    EXPECT_EQ(header.value().channels, 2) << name;
    auto audio = Decode(name);
    ASSERT_TRUE(audio.ok()) << name << ": " << audio.error();
    const Audio& decoded = audio.value();
    EXPECT_EQ(decoded.channels, 2);
    // Vorbis keeps the length exactly; MP3 adds at most an encoder delay and a frame of padding.
    EXPECT_GE(decoded.frames, 44100) << name;
    EXPECT_LE(decoded.frames, 44100 + 3 * 1152) << name;
    // LAME's 128 kbit/s joint stereo comes out about 5% quieter; Vorbis within 1%.
    EXPECT_NEAR(Amplitude(decoded, 0, 440, 4410, 22050), 0.5, 0.04) << name;
    EXPECT_NEAR(Amplitude(decoded, 1, 1000, 4410, 22050), 0.25, 0.02) << name;
    EXPECT_LT(Amplitude(decoded, 0, 1000, 4410, 22050), 0.02) << name;
  }
}

TEST_F(AudioDecoderTest, ResamplingTo16kHzKeepsLengthFrequencyAndAmplitude) {
  DecodeAudioOptions options;
  options.sample_rate = 16000;
  for (const char* name : {"stereo16.wav", "stereo16.flac"}) {
    auto audio = Decode(name, options);
    ASSERT_TRUE(audio.ok()) << audio.error();
    const Audio& resampled = audio.value();
    EXPECT_EQ(resampled.sample_rate, 16000);
    EXPECT_EQ(resampled.channels, 2);
    EXPECT_NEAR(resampled.frames, 16000, 1);
    EXPECT_EQ(resampled.samples.size(), static_cast<size_t>(resampled.frames) * 2);
    // Half a second from the middle: 440 Hz crosses zero 440 times, 1 kHz 1000 times.
    EXPECT_NEAR(ZeroCrossings(resampled, 0, 4000, 8000), 440, 2);
    EXPECT_NEAR(ZeroCrossings(resampled, 1, 4000, 8000), 1000, 2);
    EXPECT_NEAR(Amplitude(resampled, 0, 440, 4000, 8000), 0.5, 0.005);
    EXPECT_NEAR(Amplitude(resampled, 1, 1000, 4000, 8000), 0.25, 0.005);
  }
  options.mono = true;
  auto mono = Decode("float32.wav", options);
  ASSERT_TRUE(mono.ok()) << mono.error();
  EXPECT_EQ(mono.value().channels, 1);
  EXPECT_NEAR(mono.value().frames, 8000, 1);
  EXPECT_NEAR(Amplitude(mono.value(), 0, 440, 2000, 4000), 0.8, 0.008);
}

TEST_F(AudioDecoderTest, SpeechFromEspeak) {
  auto header = ReadAudioHeader(ReadBytes(directory_ / "speech.wav"));
  ASSERT_TRUE(header.ok()) << header.error();
  EXPECT_EQ(header.value().channels, 1);
  DecodeAudioOptions options;
  options.sample_rate = 16000;
  auto audio = Decode("speech.wav", options);
  ASSERT_TRUE(audio.ok()) << audio.error();
  const int64_t in_frames = header.value().frames;
  ASSERT_GT(in_frames, 0);
  const auto expected = std::llround(static_cast<double>(in_frames) * 16000 / header.value().sample_rate);
  EXPECT_NEAR(audio.value().frames, expected, 1);
  double energy = 0;
  for (float sample : audio.value().samples) energy += double{sample} * sample;
  EXPECT_GT(energy, 1.0);
}

TEST_F(AudioDecoderTest, SampleLimitIsCheckedBeforeAndAfterResampling) {
  DecodeAudioOptions options;
  options.max_samples = 1000;
  auto small = Decode("stereo16.wav", options);
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error().rfind("audio exceeds the decoded sample limit: ", 0), 0u) << small.error();
  options.max_samples = 88200;
  EXPECT_TRUE(Decode("stereo16.wav", options).ok());
  EXPECT_TRUE(Decode("stereo16.ogg", options).ok());
  options.sample_rate = 48000;  // 96,000 samples after resampling
  EXPECT_FALSE(Decode("stereo16.wav", options).ok());
  options.max_samples = 1000;  // headers that do not give the length (or lie): caught while reading
  options.sample_rate = 0;
  EXPECT_FALSE(Decode("stereo16.mp3", options).ok());
  options = {};
  options.sample_rate = -1;
  EXPECT_FALSE(Decode("stereo16.wav", options).ok());
}

TEST_F(AudioDecoderTest, BrokenFilesAreErrors) {
  for (const char* name : {"empty.wav", "header.wav", "garbage.wav", "text.wav"}) {
    const std::vector<uint8_t> bytes = ReadBytes(directory_ / name);
    const std::string expected =
        bytes.empty() ? "empty file: 0 bytes, not audio"
                      : "not an audio file libsndfile can read (an unknown format or a header cut short): " +
                            std::to_string(bytes.size()) + " bytes, first bytes ";
    auto header = ReadAudioHeader(bytes);
    ASSERT_FALSE(header.ok()) << name;
    EXPECT_EQ(header.error().rfind(expected, 0), 0u) << header.error();
    auto audio = DecodeAudio(bytes);
    ASSERT_FALSE(audio.ok()) << name;
    EXPECT_EQ(audio.error().rfind(expected, 0), 0u) << audio.error();
  }
  EXPECT_FALSE(DecodeAudio({}).ok());
}

TEST_F(AudioDecoderTest, CutOrLyingFilesDecodeWhatIsThere) {
  auto truncated = Decode("truncated.wav");
  ASSERT_TRUE(truncated.ok()) << truncated.error();
  EXPECT_LE(truncated.value().frames, 1001);
  EXPECT_GE(truncated.value().frames, 1000);
  // The data size says 2^31 bytes: either an Error or the frames that are really there, no huge buffer.
  auto huge = Decode("huge.wav");
  if (huge.ok()) {
    EXPECT_LE(huge.value().frames, 44100);
  }
  auto huge_header = ReadAudioHeader(ReadBytes(directory_ / "huge.wav"));
  EXPECT_TRUE(huge_header.ok());
}

}  // namespace
}  // namespace quarry::media
