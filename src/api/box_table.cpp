// RenderBoxTable (see box_table.hpp).
#include "api/box_table.hpp"

#include "api/value_conversion.hpp"
#include "duckdb/common/box_renderer.hpp"
#include "duckdb/common/type_visitor.hpp"

namespace quarry {

namespace {

// `type` with every AGGREGATE_STATE in it replaced by BLOB: DuckDB casts a state only to its bytes.
duckdb::LogicalType DrawableType(const duckdb::LogicalType& type) {
  if (!duckdb::TypeVisitor::Contains(type, duckdb::LogicalTypeId::AGGREGATE_STATE)) {
    return type;
  }
  return duckdb::TypeVisitor::VisitReplace(type, [](const duckdb::LogicalType& part) {
    return part.id() == duckdb::LogicalTypeId::AGGREGATE_STATE ? duckdb::LogicalType::BLOB : part;
  });
}

// How one column reaches the renderer.
enum class ColumnMode { kAsIs, kCast, kText };

// `rows` with each column kept, cast to `types[c]`, or replaced by quarry's text of its values.
duckdb::ColumnDataCollection Redraw(duckdb::ClientContext& context, const duckdb::ColumnDataCollection& rows,
                                    const duckdb::vector<duckdb::LogicalType>& types,
                                    const std::vector<ColumnMode>& modes) {
  auto& allocator = duckdb::Allocator::DefaultAllocator();
  duckdb::ColumnDataCollection result(allocator, types);
  duckdb::DataChunk out;
  out.Initialize(allocator, types);
  for (auto& chunk : rows.Chunks()) {
    out.Reset();
    for (duckdb::idx_t c = 0; c < types.size(); c++) {
      switch (modes[c]) {
        case ColumnMode::kAsIs:
          out.data[c].Reference(chunk.data[c]);
          break;
        case ColumnMode::kCast:
          duckdb::VectorOperations::Cast(context, chunk.data[c], out.data[c], chunk.size());
          break;
        case ColumnMode::kText:
          for (duckdb::idx_t r = 0; r < chunk.size(); r++) {
            const Value value = ConvertValue(chunk.GetValue(c, r), &context);
            out.data[c].SetValue(
                r, value.is_null() ? duckdb::Value(duckdb::LogicalType::VARCHAR) : duckdb::Value(value.text()));
          }
          break;
      }
    }
    out.SetCardinality(chunk.size());
    result.Append(out);
  }
  return result;
}

std::string Draw(duckdb::ClientContext& context, const std::vector<std::string>& names,
                 const duckdb::ColumnDataCollection& rows, const BoxOptions& options) {
  duckdb::BoxRendererConfig config;
  config.max_width = options.max_width;
  config.max_rows = options.max_rows;
  config.null_value = options.null_text;
  duckdb::vector<std::string> column_names(names.begin(), names.end());
  return duckdb::BoxRenderer(config).ToString(context, column_names, rows);
}

}  // namespace

std::string RenderBoxTable(duckdb::ClientContext& context, const std::vector<std::string>& names,
                           const duckdb::ColumnDataCollection& rows, const BoxOptions& options) {
  const auto& types = rows.Types();
  duckdb::vector<duckdb::LogicalType> drawable_types;
  std::vector<ColumnMode> modes;
  for (const auto& type : types) {
    drawable_types.push_back(DrawableType(type));
    modes.push_back(drawable_types.back() == type ? ColumnMode::kAsIs : ColumnMode::kCast);
  }
  try {
    if (drawable_types == types) {
      return Draw(context, names, rows, options);
    }
    return Draw(context, names, Redraw(context, rows, drawable_types, modes), options);
  } catch (const std::exception&) {
    // A type DuckDB's renderer cannot draw: every column as quarry's text of its values.
  }
  const duckdb::vector<duckdb::LogicalType> text_types(types.size(), duckdb::LogicalType::VARCHAR);
  const std::vector<ColumnMode> text_modes(types.size(), ColumnMode::kText);
  return Draw(context, names, Redraw(context, rows, text_types, text_modes), options);
}

}  // namespace quarry
