// Predictions as LIST(STRUCT(class, description, probability)) (see prediction_vector.hpp).
#include "functions/prediction_vector.hpp"

namespace quarry {

duckdb::LogicalType PredictionType() {
  return duckdb::LogicalType::LIST(duckdb::LogicalType::STRUCT({{"class", duckdb::LogicalType::VARCHAR},
                                                                {"description", duckdb::LogicalType::VARCHAR},
                                                                {"probability", duckdb::LogicalType::FLOAT}}));
}

void WritePredictions(duckdb::Vector& list, duckdb::idx_t row, const std::vector<ml::Prediction>& predictions) {
  auto* entries = duckdb::FlatVector::GetData<duckdb::list_entry_t>(list);
  const duckdb::idx_t offset = duckdb::ListVector::GetListSize(list);
  duckdb::ListVector::Reserve(list, offset + predictions.size());
  auto& child = duckdb::ListVector::GetEntry(list);
  auto& fields = duckdb::StructVector::GetEntries(child);
  for (duckdb::idx_t i = 0; i < predictions.size(); i++) {
    const auto& prediction = predictions[i];
    duckdb::FlatVector::GetData<duckdb::string_t>(*fields[0])[offset + i] =
        duckdb::StringVector::AddString(*fields[0], prediction.class_name);
    duckdb::FlatVector::GetData<duckdb::string_t>(*fields[1])[offset + i] =
        duckdb::StringVector::AddString(*fields[1], prediction.description);
    duckdb::FlatVector::GetData<float>(*fields[2])[offset + i] = prediction.probability;
  }
  entries[row] = {offset, predictions.size()};
  duckdb::ListVector::SetListSize(list, offset + predictions.size());
}

}  // namespace quarry
