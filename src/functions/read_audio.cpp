// read_audio: sound files as rows (see read_audio.hpp). A query reading only `duration` reads headers
// only; anything from the audio struct decodes, mixes down and resamples the whole file.
#include "functions/read_audio.hpp"

#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/file_scan.hpp"
#include "io/file_reader.hpp"
#include "media/audio.hpp"

namespace quarry {

duckdb::LogicalType AudioType() {
  duckdb::child_list_t<duckdb::LogicalType> fields = {
      {"origin", duckdb::LogicalType::VARCHAR},   {"sample_rate", duckdb::LogicalType::INTEGER},
      {"channels", duckdb::LogicalType::INTEGER}, {"frames", duckdb::LogicalType::BIGINT},
      {"data", duckdb::LogicalType::BLOB},
  };
  return duckdb::LogicalType::STRUCT(std::move(fields));
}

namespace {

enum AudioColumn : size_t { kAudio = 0, kDuration = 1 };

void WriteAudio(duckdb::Vector& vector, duckdb::idx_t row, const std::string& origin, const media::Audio* audio) {
  auto& children = duckdb::StructVector::GetEntries(vector);
  duckdb::FlatVector::SetNull(vector, row, false);
  duckdb::FlatVector::GetData<duckdb::string_t>(*children[kAudioOrigin])[row] =
      duckdb::StringVector::AddString(*children[kAudioOrigin], origin);
  duckdb::FlatVector::SetNull(*children[kAudioOrigin], row, false);
  // An unreadable file: sizes -1 and empty data, as the image struct's invalid form.
  duckdb::FlatVector::GetData<int32_t>(*children[kAudioSampleRate])[row] = audio ? audio->sample_rate : -1;
  duckdb::FlatVector::GetData<int32_t>(*children[kAudioChannels])[row] = audio ? audio->channels : -1;
  duckdb::FlatVector::GetData<int64_t>(*children[kAudioFrames])[row] = audio ? audio->frames : -1;
  const char* data = audio ? reinterpret_cast<const char*>(audio->samples.data()) : "";
  const size_t size = audio ? audio->samples.size() * sizeof(float) : 0;
  duckdb::FlatVector::GetData<duckdb::string_t>(*children[kAudioData])[row] =
      duckdb::StringVector::AddStringOrBlob(*children[kAudioData], data, size);
  for (auto field : {kAudioSampleRate, kAudioChannels, kAudioFrames, kAudioData}) {
    duckdb::FlatVector::SetNull(*children[field], row, false);
  }
}

class AudioRowReader : public FileRowReader {
 public:
  media::DecodeAudioOptions options;

  std::vector<std::pair<std::string, duckdb::LogicalType>> Columns() const override {
    return {{"audio", AudioType()}, {"duration", duckdb::LogicalType::DOUBLE}};
  }

  RowOutcome ReadRow(const io::ListedFile& file, const RowRequest& request) const override {
    RowOutcome outcome;
    auto* audio_vector = request.columns[kAudio];
    auto* duration = request.columns[kDuration];
    auto bytes = io::ReadFileBytes(*request.files, file.path, io::kDefaultMaxFileBytes);
    if (!bytes.ok()) {
      outcome.error = bytes.error();
    }
    std::optional<media::AudioHeader> header;
    if (bytes.ok() && duration) {
      auto read = media::ReadAudioHeader(bytes.value());
      if (read.ok()) {
        header = read.value();
      } else {
        outcome.error = read.error();
      }
    }
    std::optional<media::Audio> audio;
    if (bytes.ok() && !outcome.error && (audio_vector || request.validate)) {
      auto decoded = media::DecodeAudio(bytes.value(), options);
      if (decoded.ok()) {
        audio = std::move(decoded).value();
      } else {
        outcome.error = decoded.error();
      }
    }
    if (duration) {
      const bool known = header && header->sample_rate > 0 && !outcome.error;
      duckdb::FlatVector::GetData<double>(*duration)[request.row] =
          known ? static_cast<double>(header->frames) / header->sample_rate : 0.0;
      duckdb::FlatVector::SetNull(*duration, request.row, !known);
    }
    if (audio_vector) {
      WriteAudio(*audio_vector, request.row, file.path, audio ? &*audio : nullptr);
      if (audio) outcome.bytes = audio->samples.size() * sizeof(float);
    }
    return outcome;
  }
};

duckdb::unique_ptr<FileRowReader> MakeAudioReader(duckdb::ClientContext&, duckdb::TableFunctionBindInput& input) {
  auto reader = duckdb::make_uniq<AudioRowReader>();
  reader->options.sample_rate = 16000;
  reader->options.mono = true;
  for (const auto& [name, value] : input.named_parameters) {
    if (name == "sample_rate") {
      if (value.IsNull()) throw duckdb::BinderException("read_audio: sample_rate must not be NULL");
      const int32_t rate = value.GetValue<int32_t>();
      if (rate < 0 || rate > 384000) {
        throw duckdb::BinderException("read_audio: sample_rate must be 0 (keep the file's) or 1..384000, got %d", rate);
      }
      reader->options.sample_rate = rate;
    } else if (name == "mono") {
      reader->options.mono = !value.IsNull() && duckdb::BooleanValue::Get(value);
    }
  }
  return reader;
}

}  // namespace

void RegisterReadAudio(duckdb::ExtensionLoader& loader) {
  FileTableFunctionSpec spec;
  spec.name = "read_audio";
  spec.make_reader = MakeAudioReader;
  spec.named_parameters = {{"sample_rate", duckdb::LogicalType::INTEGER}, {"mono", duckdb::LogicalType::BOOLEAN}};
  spec.description =
      "Sound files as rows: path, audio (float32 samples, mixed to mono and resampled to 16 kHz unless "
      "sample_rate := 0 / mono := false), duration in seconds, error, Hive partition columns.";
  spec.example = "SELECT path, duration FROM read_audio('recordings/*.wav')";
  RegisterFileTableFunction(loader, spec);
}

}  // namespace quarry
