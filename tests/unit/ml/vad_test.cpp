// Voice activity detection (src/ml/vad/): the segmentation rules on hand-made probabilities, and Silero
// VAD v5 on espeak-ng speech placed at known offsets into silence, white noise and 44.1 kHz stereo
// (tests/fixtures/make_vad_fixtures.py): every segment within 100 ms of where the speech was placed,
// none in silence or noise, bad input an Error. Prints the segment errors and the real-time factor.
#include "ml/vad/voice_activity_detector.hpp"

#include <time.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fixture_folder.hpp"
#include "media/audio.hpp"
#include "ml/vad/silero_vad.hpp"
#include "ml/vad/speech_segmenter.hpp"

namespace quarry::ml::vad {
namespace {

// ---- The segmentation rules, on probabilities with 100-sample windows at 1 kHz (a window = 0.1 s) ----

VadOptions Unpadded() {
  VadOptions options;
  options.min_speech_ms = 0;
  options.min_silence_ms = 0;
  options.speech_pad_ms = 0;
  return options;
}

std::vector<SpeechSegment> Segments(const std::vector<float>& probabilities, const VadOptions& options,
                                    int64_t total_samples = -1) {
  if (total_samples < 0) total_samples = static_cast<int64_t>(probabilities.size()) * 100;
  return SegmentSpeech(probabilities, 100, 1000, total_samples, options);
}

// Segments as "start-end" pairs in seconds, for readable comparisons.
std::string Spans(const std::vector<SpeechSegment>& segments) {
  std::ostringstream out;
  for (const SpeechSegment& segment : segments) out << segment.start << "-" << segment.end << " ";
  return out.str();
}

TEST(SpeechSegmenter, StartsAtThresholdAndEndsBelowTheLowerOne) {
  // 0.5 starts speech; 0.4 (≥ 0.35) does not end it; 0.3 does, at its window's start.
  EXPECT_EQ(Spans(Segments({0.1f, 0.5f, 0.9f, 0.4f, 0.4f, 0.3f, 0.1f, 0.4f}, Unpadded())), "0.1-0.5 ");
  EXPECT_EQ(Spans(Segments({0.49f, 0.4f, 0.2f}, Unpadded())), "");
  EXPECT_TRUE(Segments({}, Unpadded()).empty());
}

TEST(SpeechSegmenter, SilenceMustLastMinSilence) {
  VadOptions options = Unpadded();
  options.min_silence_ms = 300;  // three windows
  // A two-window dip does not split; the second dip lasts three windows (one in the grey zone).
  const std::vector<float> probabilities = {0.9f, 0.1f, 0.1f, 0.9f, 0.9f, 0.2f, 0.4f, 0.2f, 0.9f, 0.1f};
  EXPECT_EQ(Spans(Segments(probabilities, options)), "0-0.5 0.8-0.9 ");
  // A window at the threshold cancels a pending end.
  EXPECT_EQ(Spans(Segments({0.9f, 0.1f, 0.1f, 0.5f, 0.1f, 0.1f, 0.1f}, options)), "0-0.4 ");
}

TEST(SpeechSegmenter, OpenSegmentEndsAtItsMarkOrTheAudioEnd) {
  VadOptions options = Unpadded();
  options.min_silence_ms = 1000;
  EXPECT_EQ(Spans(Segments({0.1f, 0.9f, 0.9f, 0.1f, 0.1f}, options)), "0.1-0.3 ");
  EXPECT_EQ(Spans(Segments({0.1f, 0.9f, 0.9f}, options, 250)), "0.1-0.25 ");
}

TEST(SpeechSegmenter, ShortSegmentsAreDropped) {
  VadOptions options = Unpadded();
  options.min_speech_ms = 200;
  EXPECT_EQ(Spans(Segments({0.9f, 0.1f, 0.1f, 0.9f, 0.9f, 0.1f}, options)), "0.3-0.5 ");
}

TEST(SpeechSegmenter, PaddingStopsAtTheEndsAndMeetsBetweenNeighbours) {
  VadOptions options = Unpadded();
  options.speech_pad_ms = 150;
  // Gaps: 0.1 s before the first (clamped at 0), 0.2 s between (split in half), 0.3 s after (full pad).
  const std::vector<float> probabilities = {0.1f, 0.9f, 0.1f, 0.1f, 0.9f, 0.1f, 0.1f, 0.1f};
  const std::vector<SpeechSegment> segments = Segments(probabilities, options);
  ASSERT_EQ(segments.size(), 2u) << Spans(segments);
  EXPECT_DOUBLE_EQ(segments[0].start, 0.0);
  EXPECT_DOUBLE_EQ(segments[0].end, 0.3);
  EXPECT_DOUBLE_EQ(segments[1].start, 0.3);
  EXPECT_DOUBLE_EQ(segments[1].end, 0.65);
}

TEST(SpeechSegmenter, ProbabilityIsTheMeanOverTheUnpaddedWindows) {
  VadOptions options = Unpadded();
  options.speech_pad_ms = 100;
  const std::vector<SpeechSegment> segments = Segments({0.2f, 0.6f, 0.8f, 1.0f, 0.1f, 0.3f}, options);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_FLOAT_EQ(segments[0].probability, 0.8f);
}

TEST(SpeechSegmenter, OptionsOutOfRangeAreNamed) {
  EXPECT_EQ(CheckVadOptions({}), "");
  for (float threshold : {0.0f, -0.5f, 1.5f, std::numeric_limits<float>::quiet_NaN()}) {
    EXPECT_NE(CheckVadOptions({threshold}).find("threshold"), std::string::npos) << threshold;
  }
  EXPECT_NE(CheckVadOptions({0.5f, -1}).find("min_speech_ms"), std::string::npos);
  EXPECT_NE(CheckVadOptions({0.5f, 250, 3'600'001}).find("min_silence_ms"), std::string::npos);
  EXPECT_NE(CheckVadOptions({0.5f, 250, 100, -30}).find("speech_pad_ms"), std::string::npos);
  EXPECT_FLOAT_EQ(LowerThreshold({0.1f}), 0.01f);
}

// ---- Silero VAD on speech placed at known offsets ----

class VoiceActivityDetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static const quarry::testing::FixtureFolder folder("make_vad_fixtures.py");  // removed at exit
    directory_ = folder.ok() ? folder.path() : std::filesystem::path();
    static const auto detector = VoiceActivityDetector::Load();
    if (detector.ok()) detector_ = detector.value();
    load_error_ = detector.ok() ? "" : detector.error();
  }
  void SetUp() override {
    ASSERT_FALSE(directory_.empty()) << "make_vad_fixtures.py failed";
    ASSERT_TRUE(detector_) << load_error_;
  }

  // The manifest's (start, end) pairs of `name`.
  static std::vector<std::pair<double, double>> Truth(const std::string& name) {
    std::ifstream in(directory_ / "manifest.txt");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string file;
      words >> file;
      if (file != name) continue;
      std::vector<std::pair<double, double>> spans;
      for (double start, end; words >> start >> end;) spans.emplace_back(start, end);
      return spans;
    }
    ADD_FAILURE() << name << " is not in the manifest";
    return {};
  }

  // `name` decoded with quarry's audio decoder, mixed down to mono at the file's own rate.
  static media::Audio Decode(const std::string& name) {
    std::ifstream in(directory_ / name, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    media::DecodeAudioOptions options;
    options.mono = true;
    auto audio = media::DecodeAudio(bytes, options);
    EXPECT_TRUE(audio.ok()) << name << ": " << audio.error();
    return audio.ok() ? std::move(audio).value() : media::Audio{};
  }

  static std::vector<SpeechSegment> Detect(const media::Audio& audio) {
    auto segments = detector_->Detect(audio.samples, audio.sample_rate);
    EXPECT_TRUE(segments.ok()) << segments.error();
    return segments.ok() ? segments.value() : std::vector<SpeechSegment>{};
  }

  // Every placed phrase found as one segment, start and end within 100 ms; prints the errors.
  static void ExpectSegmentsMatchTruth(const std::string& name) {
    const std::vector<std::pair<double, double>> truth = Truth(name);
    const std::vector<SpeechSegment> segments = Detect(Decode(name));
    ASSERT_EQ(segments.size(), truth.size()) << name << ": " << Spans(segments);
    std::cout << name << " segment errors (ms, start/end):";
    for (size_t i = 0; i < truth.size(); ++i) {
      const double start_error = (segments[i].start - truth[i].first) * 1000;
      const double end_error = (segments[i].end - truth[i].second) * 1000;
      std::cout << " " << std::lround(start_error) << "/" << std::lround(end_error);
      EXPECT_LE(std::abs(start_error), 100) << name << " phrase " << i;
      EXPECT_LE(std::abs(end_error), 100) << name << " phrase " << i;
      EXPECT_GE(segments[i].probability, 0.5f);
      EXPECT_LE(segments[i].probability, 1.0f);
    }
    std::cout << "\n";
  }

  static inline std::filesystem::path directory_;
  static inline std::shared_ptr<const VoiceActivityDetector> detector_;
  static inline std::string load_error_;
};

TEST_F(VoiceActivityDetectorTest, FindsSpeechInSilence) {
  ExpectSegmentsMatchTruth("speech_16k.wav");
}

TEST_F(VoiceActivityDetectorTest, FindsSpeechInNoise) {
  ExpectSegmentsMatchTruth("speech_noise_16k.wav");
}

TEST_F(VoiceActivityDetectorTest, ResamplesStereo44k) {
  ASSERT_EQ(Decode("speech_44k_stereo.wav").sample_rate, 44100);
  ExpectSegmentsMatchTruth("speech_44k_stereo.wav");
}

TEST_F(VoiceActivityDetectorTest, FindsNothingInSilenceOrNoise) {
  for (const char* name : {"silence_16k.wav", "noise_16k.wav"}) {
    EXPECT_EQ(Spans(Detect(Decode(name))), "") << name;
  }
}

TEST_F(VoiceActivityDetectorTest, BadInputIsAnError) {
  const std::vector<float> samples(16000, 0.0f);
  auto expect_error = [](const Result<std::vector<SpeechSegment>>& result, const std::string& words) {
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().find(words), std::string::npos) << result.error();
  };
  expect_error(detector_->Detect({}, 16000), "empty");
  expect_error(detector_->Detect(samples, 0), "sample rate");
  expect_error(detector_->Detect(samples, -44100), "sample rate");
  expect_error(detector_->Detect(samples, 2'000'000), "sample rate");
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    std::vector<float> broken = samples;
    broken[1234] = bad;
    expect_error(detector_->Detect(broken, 16000), "sample 1234");
    expect_error(detector_->Detect(broken, 8000), "sample 1234");
  }
  expect_error(detector_->Detect(samples, 16000, {2.0f}), "threshold");
  // Short audio is fine: one zero-padded window, or none after resampling.
  for (int rate : {16000, 44100, 1}) EXPECT_TRUE(detector_->Detect(std::vector<float>(1, 0.5f), rate).ok()) << rate;
}

TEST_F(VoiceActivityDetectorTest, BatchesGiveWhatSingleRunsGive) {
  const media::Audio speech = Decode("speech_noise_16k.wav");
  const media::Audio stereo = Decode("speech_44k_stereo.wav");
  const std::vector<float> nan(100, std::numeric_limits<float>::quiet_NaN());
  const std::span<const float> short_speech = std::span<const float>(speech.samples).first(5 * 16000);
  const MonoAudio audios[] = {{speech.samples, 16000}, {nan, 16000}, {stereo.samples, 44100}, {short_speech, 16000}};
  const auto batch = detector_->DetectMany(audios);
  ASSERT_EQ(batch.size(), 4u);
  EXPECT_FALSE(batch[1].ok());
  for (size_t i : {0, 2, 3}) {
    auto single = detector_->Detect(audios[i].samples, audios[i].sample_rate);
    ASSERT_TRUE(single.ok() && batch[i].ok());
    ASSERT_EQ(Spans(batch[i].value()), Spans(single.value())) << i;
    for (size_t s = 0; s < single.value().size(); ++s) {
      EXPECT_NEAR(batch[i].value()[s].probability, single.value()[s].probability, 1e-5) << i;
    }
  }
}

TEST_F(VoiceActivityDetectorTest, ConcurrentCallsAgree) {
  const media::Audio audio = Decode("speech_16k.wav");
  const std::span<const float> part = std::span<const float>(audio.samples).first(7 * 16000);
  const std::string expected = Spans(detector_->Detect(part, 16000).value());
  std::vector<std::string> found(2);
  std::vector<std::thread> threads;
  for (std::string& spans : found) threads.emplace_back([&] { spans = Spans(detector_->Detect(part, 16000).value()); });
  for (std::thread& thread : threads) thread.join();
  for (const std::string& spans : found) EXPECT_EQ(spans, expected);
}

// Seconds of CPU time this process has used (all threads).
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Model calls per CPU second and real-time factor (audio seconds per CPU second), batch 1 and 8.
TEST_F(VoiceActivityDetectorTest, ReportsSpeed) {
  auto model = SileroVad::LoadBuiltin();
  ASSERT_TRUE(model.ok()) << model.error();
  const media::Audio audio = Decode("speech_16k.wav");
  for (size_t batch : {1, 8}) {
    const std::vector<std::span<const float>> streams(batch, std::span<const float>(audio.samples).first(6 * 16000));
    const double begin = CpuSeconds();
    const auto wall_begin = std::chrono::steady_clock::now();
    auto probabilities = model.value()->SpeechProbabilities(streams);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_begin).count();
    const double seconds = CpuSeconds() - begin;
    ASSERT_TRUE(probabilities.ok()) << probabilities.error();
    const double calls = static_cast<double>(probabilities.value()[0].size());
    const double audio_seconds = static_cast<double>(batch) * calls * kWindowSamples / kVadSampleRate;
    std::cout << "Silero VAD, batch " << batch << ": " << std::lround(calls / seconds) << " calls/s, "
              << std::lround(1e6 * seconds / calls) << " us/call, real-time factor "
              << std::lround(audio_seconds / seconds) << " (CPU time; " << std::lround(audio_seconds / wall)
              << " by wall time)\n";
  }
}

}  // namespace
}  // namespace quarry::ml::vad
