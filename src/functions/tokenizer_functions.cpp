// tokenize() and detokenize() (see tokenizer_functions.hpp).
//
// The tokenizer argument is a path; each chunk loads it once through the database's tokenizer cache
// (a file that cannot be used is a query error naming it). A text the tokenizer cannot encode (a
// character its model lacks with no unknown token) is a NULL row whose reason try_tokenize gives.
#include "functions/tokenizer_functions.hpp"

#include "duckdb.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/fallible_function.hpp"
#include "functions/tokenizer_cache.hpp"
#include "text/tokenizer.hpp"

namespace quarry {
namespace {

using duckdb::idx_t;

// The tokenizer for each row's path, loading a path only when it differs from the previous row's.
class TokenizerPerRow {
 public:
  explicit TokenizerPerRow(duckdb::ClientContext& context) : context_(context) {}
  const text::Tokenizer& For(const duckdb::string_t& path) {
    std::string key = path.GetString();
    if (!tokenizer_ || key != path_) {
      tokenizer_ = LoadTokenizer(context_, key);
      path_ = std::move(key);
    }
    return *tokenizer_;
  }

 private:
  duckdb::ClientContext& context_;
  std::string path_;
  std::shared_ptr<const text::Tokenizer> tokenizer_;
};

// args: text VARCHAR, tokenizer VARCHAR[, add_special_tokens BOOLEAN]
void TokenizeExecute(duckdb::DataChunk& args, duckdb::ExpressionState& state, FallibleResult& result) {
  idx_t count = args.size();
  duckdb::UnifiedVectorFormat texts, paths, flags;
  args.data[0].ToUnifiedFormat(count, texts);
  args.data[1].ToUnifiedFormat(count, paths);
  bool has_flag = args.ColumnCount() > 2;
  if (has_flag) args.data[2].ToUnifiedFormat(count, flags);
  auto text_data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(texts);
  auto path_data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(paths);
  auto flag_data = has_flag ? duckdb::UnifiedVectorFormat::GetData<bool>(flags) : nullptr;

  duckdb::Vector& lists = result.values();
  auto entries = duckdb::FlatVector::GetData<duckdb::list_entry_t>(lists);
  idx_t offset = duckdb::ListVector::GetListSize(lists);
  TokenizerPerRow tokenizers(state.GetContext());
  for (idx_t row = 0; row < count; ++row) {
    idx_t text_index = texts.sel->get_index(row);
    idx_t path_index = paths.sel->get_index(row);
    idx_t flag_index = has_flag ? flags.sel->get_index(row) : 0;
    entries[row] = {offset, 0};
    if (!texts.validity.RowIsValid(text_index) || !paths.validity.RowIsValid(path_index) ||
        (has_flag && !flags.validity.RowIsValid(flag_index))) {
      result.SetNull(row);
      continue;
    }
    bool add_special_tokens = has_flag ? flag_data[flag_index] : true;
    const duckdb::string_t& text = text_data[text_index];
    auto encoding = tokenizers.For(path_data[path_index])
                        .Encode(std::string_view(text.GetData(), text.GetSize()), add_special_tokens);
    if (!encoding.ok()) {
      result.Fail(row, encoding.error());
      continue;
    }
    const std::vector<uint32_t>& ids = encoding.value().ids;
    duckdb::ListVector::Reserve(lists, offset + ids.size());
    auto child = duckdb::FlatVector::GetData<int32_t>(duckdb::ListVector::GetEntry(lists));
    for (size_t i = 0; i < ids.size(); ++i) child[offset + i] = static_cast<int32_t>(ids[i]);
    entries[row] = {offset, ids.size()};
    offset += ids.size();
    duckdb::ListVector::SetListSize(lists, offset);
  }
}

// args: ids INTEGER[] or BIGINT[], tokenizer VARCHAR[, skip_special_tokens BOOLEAN]
void DetokenizeExecute(duckdb::DataChunk& args, duckdb::ExpressionState& state, FallibleResult& result) {
  idx_t count = args.size();
  duckdb::Vector& id_lists = args.data[0];
  duckdb::UnifiedVectorFormat lists, paths, flags;
  id_lists.ToUnifiedFormat(count, lists);
  args.data[1].ToUnifiedFormat(count, paths);
  bool has_flag = args.ColumnCount() > 2;
  if (has_flag) args.data[2].ToUnifiedFormat(count, flags);
  auto list_data = duckdb::UnifiedVectorFormat::GetData<duckdb::list_entry_t>(lists);
  auto path_data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(paths);
  auto flag_data = has_flag ? duckdb::UnifiedVectorFormat::GetData<bool>(flags) : nullptr;
  duckdb::Vector& child = duckdb::ListVector::GetEntry(id_lists);
  duckdb::UnifiedVectorFormat ids;
  child.ToUnifiedFormat(duckdb::ListVector::GetListSize(id_lists), ids);
  bool wide = child.GetType().id() == duckdb::LogicalTypeId::BIGINT;

  auto out = duckdb::FlatVector::GetData<duckdb::string_t>(result.values());
  TokenizerPerRow tokenizers(state.GetContext());
  std::vector<uint32_t> row_ids;
  for (idx_t row = 0; row < count; ++row) {
    idx_t list_index = lists.sel->get_index(row);
    idx_t path_index = paths.sel->get_index(row);
    idx_t flag_index = has_flag ? flags.sel->get_index(row) : 0;
    if (!lists.validity.RowIsValid(list_index) || !paths.validity.RowIsValid(path_index) ||
        (has_flag && !flags.validity.RowIsValid(flag_index))) {
      result.SetNull(row);
      continue;
    }
    const duckdb::list_entry_t& entry = list_data[list_index];
    row_ids.clear();
    std::string problem;
    for (idx_t i = 0; i < entry.length && problem.empty(); ++i) {
      idx_t index = ids.sel->get_index(entry.offset + i);
      if (!ids.validity.RowIsValid(index)) {
        problem = "token id " + std::to_string(i + 1) + " is NULL";
        break;
      }
      int64_t id = wide ? duckdb::UnifiedVectorFormat::GetData<int64_t>(ids)[index]
                        : duckdb::UnifiedVectorFormat::GetData<int32_t>(ids)[index];
      if (id < 0 || id > UINT32_MAX) {
        problem = "token id " + std::to_string(id) + " is not a token id";
        break;
      }
      row_ids.push_back(static_cast<uint32_t>(id));
    }
    if (!problem.empty()) {
      result.Fail(row, problem);
      continue;
    }
    bool skip_special_tokens = has_flag ? flag_data[flag_index] : true;
    auto text = tokenizers.For(path_data[path_index]).Decode(row_ids, skip_special_tokens);
    if (!text.ok()) {
      result.Fail(row, text.error());
      continue;
    }
    out[row] = duckdb::StringVector::AddString(result.values(), text.value());
  }
}

}  // namespace

void RegisterTokenizerFunctions(duckdb::ExtensionLoader& loader) {
  using duckdb::LogicalType;
  const LogicalType varchar = LogicalType::VARCHAR;
  const LogicalType boolean = LogicalType::BOOLEAN;
  auto tokenize = MakeFallibleFunctions(
      "tokenize", {{varchar, TokenizeExecute, {varchar}}, {varchar, TokenizeExecute, {varchar, boolean}}},
      LogicalType::LIST(LogicalType::INTEGER));
  RegisterFallibleFunctions(
      loader, std::move(tokenize),
      "The token ids of the text under a Hugging Face tokenizer.json (its normalizer, pre-tokenizer, model, "
      "special tokens, truncation and padding; the ids Hugging Face's tokenizers library gives). An optional "
      "third argument false leaves out the special tokens. The file is loaded once per database",
      "SELECT tokenize('Hello world!', 'tokenizer.json')",
      "SELECT try_tokenize(content, 'tokenizer.json').error FROM read_text('notes/*.txt')");
  const LogicalType int_list = LogicalType::LIST(LogicalType::INTEGER);
  const LogicalType bigint_list = LogicalType::LIST(LogicalType::BIGINT);
  auto detokenize = MakeFallibleFunctions("detokenize",
                                          {{int_list, DetokenizeExecute, {varchar}},
                                           {int_list, DetokenizeExecute, {varchar, boolean}},
                                           {bigint_list, DetokenizeExecute, {varchar}},
                                           {bigint_list, DetokenizeExecute, {varchar, boolean}}},
                                          varchar);
  RegisterFallibleFunctions(
      loader, std::move(detokenize),
      "The text of token ids under a Hugging Face tokenizer.json (its decoder), leaving out special tokens "
      "unless a third argument is false; ids the vocabulary lacks are skipped",
      "SELECT detokenize(tokenize('Hello world!', 'tokenizer.json'), 'tokenizer.json')",
      "SELECT try_detokenize([-1], 'tokenizer.json').error");
}

}  // namespace quarry
