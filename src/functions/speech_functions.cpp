// speech_segments(): audio arguments to the voice activity detector (see
// speech_functions.hpp).
#include "functions/speech_functions.hpp"
#include "functions/file_access.hpp"
#include "functions/query_file_store.hpp"

#include <cstring>
#include <optional>
#include <string>

#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/builtin_engine.hpp"
#include "functions/fallible_function.hpp"
#include "functions/read_audio.hpp"
#include "io/file_reader.hpp"
#include "media/audio.hpp"
#include "ml/vad/voice_activity_detector.hpp"

namespace quarry {
namespace {

using duckdb::idx_t;

constexpr int32_t kDetectorRate = 16000;

// Mono samples at their rate, from an audio struct row or from encoded bytes.
struct MonoAudio {
  std::vector<float> samples;
  int32_t sample_rate = 0;
};

// Reads the rows of an audio struct vector (read_audio's) without copying their BLOBs into Values, as
// ImageStructReader does for images: each row is mixed down straight from the vector's bytes.
class AudioStructReader {
 public:
  AudioStructReader(duckdb::Vector& vector, idx_t count) {
    // Flattened first: a dictionary or constant struct's children do not line up with its selection.
    vector.Flatten(count);
    vector.ToUnifiedFormat(count, struct_format_);
    auto& children = duckdb::StructVector::GetEntries(vector);
    for (idx_t i = 0; i <= kAudioData; i++) children[i]->ToUnifiedFormat(count, fields_[i]);
  }

  bool IsNull(idx_t row) const { return !struct_format_.validity.RowIsValid(struct_format_.sel->get_index(row)); }

  std::string Origin(idx_t row) const {
    const auto& format = fields_[kAudioOrigin];
    const idx_t index = format.sel->get_index(struct_format_.sel->get_index(row));
    if (!format.validity.RowIsValid(index)) return std::string();
    return duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(format)[index].GetString();
  }

  Result<MonoAudio> Mono(idx_t row) const {
    const idx_t struct_index = struct_format_.sel->get_index(row);
    if (!struct_format_.validity.RowIsValid(struct_index)) return Error{"NULL"};
    const auto sample_rate = Integer(kAudioSampleRate, struct_index);
    const auto channels = Integer(kAudioChannels, struct_index);
    const auto& data_format = fields_[kAudioData];
    const idx_t data_index = data_format.sel->get_index(struct_index);
    if (sample_rate <= 0 || channels <= 0 || !data_format.validity.RowIsValid(data_index)) {
      return Error{"invalid audio (an error row of read_audio?)"};
    }
    const auto data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(data_format)[data_index];
    const char* bytes = data.GetData();
    const size_t frames = data.GetSize() / sizeof(float) / static_cast<size_t>(channels);
    MonoAudio audio;
    audio.sample_rate = sample_rate;
    audio.samples.resize(frames);
    for (size_t frame = 0; frame < frames; frame++) {
      float sum = 0;
      for (int32_t channel = 0; channel < channels; channel++) {
        float sample;
        std::memcpy(&sample, bytes + (frame * channels + channel) * sizeof(float), sizeof(float));
        sum += sample;
      }
      audio.samples[frame] = sum / static_cast<float>(channels);
    }
    return audio;
  }

 private:
  int32_t Integer(AudioField field, idx_t struct_index) const {
    const auto& format = fields_[field];
    const idx_t index = format.sel->get_index(struct_index);
    return format.validity.RowIsValid(index) ? duckdb::UnifiedVectorFormat::GetData<int32_t>(format)[index] : 0;
  }

  duckdb::UnifiedVectorFormat struct_format_;
  duckdb::UnifiedVectorFormat fields_[kAudioData + 1];
};

Result<MonoAudio> FromBytes(std::span<const uint8_t> bytes) {
  media::DecodeAudioOptions options;
  options.sample_rate = kDetectorRate;
  options.mono = true;
  auto decoded = media::DecodeAudio(bytes, options);
  if (!decoded.ok()) return Error{decoded.error()};
  return MonoAudio{std::move(decoded.value().samples), decoded.value().sample_rate};
}

void WriteSegments(duckdb::Vector& result, idx_t row, const std::vector<ml::vad::SpeechSegment>& segments) {
  auto* entries = duckdb::FlatVector::GetData<duckdb::list_entry_t>(result);
  const idx_t offset = duckdb::ListVector::GetListSize(result);
  duckdb::ListVector::Reserve(result, offset + segments.size());
  auto& fields = duckdb::StructVector::GetEntries(duckdb::ListVector::GetEntry(result));
  for (idx_t i = 0; i < segments.size(); i++) {
    duckdb::FlatVector::GetData<double>(*fields[0])[offset + i] = segments[i].start;
    duckdb::FlatVector::GetData<double>(*fields[1])[offset + i] = segments[i].end;
    duckdb::FlatVector::GetData<float>(*fields[2])[offset + i] = segments[i].probability;
  }
  entries[row] = {offset, segments.size()};
  duckdb::ListVector::SetListSize(result, offset + segments.size());
}

enum class AudioArgumentKind { kAudio, kPath, kBlob };

// The argument's rows as mono audio, or why a row is not usable; a NULL row is nullopt. Bytes and paths
// are decoded and resampled to the detector's rate.
template <AudioArgumentKind kKind>
class AudioArgument {
 public:
  AudioArgument(duckdb::Vector& input, idx_t count, const io::FileStore& files) : files_(files) {
    if (kKind == AudioArgumentKind::kAudio) {
      structs_.emplace(input, count);
    } else {
      input.ToUnifiedFormat(count, strings_);
    }
  }

  bool IsNull(idx_t row) const {
    if (kKind == AudioArgumentKind::kAudio) return structs_->IsNull(row);
    return !strings_.validity.RowIsValid(strings_.sel->get_index(row));
  }

  // The path, the audio struct's origin, or empty for bytes.
  std::string Origin(idx_t row) const {
    if (IsNull(row)) return std::string();
    if (kKind == AudioArgumentKind::kAudio) return structs_->Origin(row);
    return kKind == AudioArgumentKind::kPath ? String(row).GetString() : std::string();
  }

  Result<MonoAudio> Mono(idx_t row) const {
    if (kKind == AudioArgumentKind::kAudio) return structs_->Mono(row);
    const auto value = String(row);
    if (kKind == AudioArgumentKind::kBlob) {
      return FromBytes({reinterpret_cast<const uint8_t*>(value.GetData()), value.GetSize()});
    }
    auto bytes = io::ReadFileBytes(files_, value.GetString(), io::kDefaultMaxFileBytes);
    if (!bytes.ok()) return Error{bytes.error()};
    return FromBytes(bytes.value());
  }

 private:
  duckdb::string_t String(idx_t row) const {
    return duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(strings_)[strings_.sel->get_index(row)];
  }

  const io::FileStore& files_;
  std::optional<AudioStructReader> structs_;
  duckdb::UnifiedVectorFormat strings_;
};

template <AudioArgumentKind kKind>
void ExecuteSpeechSegments(duckdb::DataChunk& args, duckdb::ExpressionState& state, FallibleResult& result) {
  if (kKind == AudioArgumentKind::kPath) CheckPathArgumentAccess(state.GetContext(), args.data[0], args.size());
  const auto detector_holder = BuiltinEngine<ml::vad::VoiceActivityDetector>(state, "speech_segments");
  const auto& detector = *detector_holder;
  const idx_t count = args.size();
  const QueryFileStore files(state.GetContext());
  const AudioArgument<kKind> argument(args.data[0], count, files);
  // The chunk's usable rows run through the model together (one model call per window for all).
  std::vector<MonoAudio> audios;
  std::vector<idx_t> rows;
  for (idx_t row = 0; row < count; row++) {
    if (argument.IsNull(row)) {
      result.SetNull(row);
      continue;
    }
    auto audio = argument.Mono(row);
    if (!audio.ok()) {
      result.Fail(row, RowError(argument.Origin(row), audio.error()));
      continue;
    }
    audios.push_back(std::move(audio).value());
    rows.push_back(row);
  }
  std::vector<ml::vad::MonoAudio> views;
  for (const auto& audio : audios) views.push_back({audio.samples, audio.sample_rate});
  auto segments = detector.DetectMany(views);
  for (size_t i = 0; i < rows.size(); i++) {
    if (segments[i].ok()) {
      WriteSegments(result.values(), rows[i], segments[i].value());
    } else {
      result.Fail(rows[i], RowError(argument.Origin(rows[i]), segments[i].error()));
    }
  }
}

}  // namespace

void RegisterSpeechFunctions(duckdb::ExtensionLoader& loader) {
  const auto output =
      duckdb::LogicalType::LIST(duckdb::LogicalType::STRUCT({{"start", duckdb::LogicalType::DOUBLE},
                                                             {"end", duckdb::LogicalType::DOUBLE},
                                                             {"probability", duckdb::LogicalType::FLOAT}}));
  RegisterFallibleFunctions(
      loader,
      MakeFallibleFunctions("speech_segments",
                            {{AudioType(), ExecuteSpeechSegments<AudioArgumentKind::kAudio>},
                             {duckdb::LogicalType::VARCHAR, ExecuteSpeechSegments<AudioArgumentKind::kPath>},
                             {duckdb::LogicalType::BLOB, ExecuteSpeechSegments<AudioArgumentKind::kBlob>}},
                            output),
      "Stretches of speech in audio (built-in Silero VAD v5): start and end in seconds, mean speech probability",
      "SELECT path, speech_segments(audio) FROM read_audio('calls/')",
      "SELECT file, try_speech_segments(file).error FROM glob('calls/*.wav')");
}

}  // namespace quarry
