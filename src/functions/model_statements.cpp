// The CREATE MODEL / DROP MODEL parser extension (see model_statements.hpp).
#include "functions/model_statements.hpp"
#include "functions/file_access.hpp"

#include <cctype>

#include "duckdb.hpp"
#include "duckdb/main/config.hpp"
#include "duckdb/parser/parser_extension.hpp"
#include "functions/model_catalog.hpp"
#include "functions/models_folder_setting.hpp"

namespace quarry {

namespace {

struct Token {
  enum class Kind { kWord, kString, kSymbol, kEnd } kind;
  std::string text;
  size_t position;
};

// Splits the statement into words (identifiers, numbers, "quoted identifiers"), 'strings' and
// single-character symbols. Returns false on an unterminated quote.
bool Tokenize(const std::string& query, std::vector<Token>& tokens, std::string& error) {
  size_t i = 0;
  while (i < query.size()) {
    const char c = query[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      i++;
    } else if (c == '-' && i + 1 < query.size() && query[i + 1] == '-') {
      while (i < query.size() && query[i] != '\n') i++;
    } else if (c == '\'' || c == '"') {
      const size_t start = i++;
      std::string text;
      while (true) {
        if (i >= query.size()) {
          error = std::string("unterminated ") + (c == '\'' ? "string" : "quoted name") + " at position " +
                  std::to_string(start);
          return false;
        }
        if (query[i] == c) {
          if (i + 1 < query.size() && query[i + 1] == c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += query[i++];
      }
      tokens.push_back({c == '\'' ? Token::Kind::kString : Token::Kind::kWord, text, start});
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '+') {
      const size_t start = i;
      while (i < query.size() && (std::isalnum(static_cast<unsigned char>(query[i])) || query[i] == '_' ||
                                  query[i] == '.' || query[i] == '-' || query[i] == '+')) {
        i++;
      }
      tokens.push_back({Token::Kind::kWord, query.substr(start, i - start), start});
    } else {
      tokens.push_back({Token::Kind::kSymbol, std::string(1, c), i});
      i++;
    }
  }
  tokens.push_back({Token::Kind::kEnd, "", query.size()});
  return true;
}

std::string Upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

class TokenCursor {
 public:
  explicit TokenCursor(const std::vector<Token>& tokens) : tokens_(tokens) {}
  const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(index_ + ahead, tokens_.size() - 1)]; }
  bool IsKeyword(const char* keyword, size_t ahead = 0) const {
    const auto& token = Peek(ahead);
    return token.kind == Token::Kind::kWord && Upper(token.text) == keyword;
  }
  bool TakeKeyword(const char* keyword) {
    if (!IsKeyword(keyword)) return false;
    index_++;
    return true;
  }
  bool TakeSymbol(const char* symbol) {
    if (Peek().kind != Token::Kind::kSymbol || Peek().text != symbol) return false;
    index_++;
    return true;
  }
  const Token& Take() { return tokens_[std::min(index_++, tokens_.size() - 1)]; }

 private:
  const std::vector<Token>& tokens_;
  size_t index_ = 0;
};

struct ModelStatementData : public duckdb::ParserExtensionParseData {
  bool is_drop = false;
  bool if_exists = false;
  CreateModelRequest create;

  duckdb::unique_ptr<duckdb::ParserExtensionParseData> Copy() const override {
    return duckdb::make_uniq<ModelStatementData>(*this);
  }
  std::string ToString() const override { return (is_drop ? "DROP MODEL " : "CREATE MODEL ") + create.name; }
};

duckdb::ParserExtensionParseResult Fail(const std::string& message, size_t position) {
  duckdb::ParserExtensionParseResult result(message);
  result.error_location = position;
  return result;
}

duckdb::ParserExtensionParseResult ParseModelStatement(duckdb::ParserExtensionInfo*, const std::string& query) {
  std::vector<Token> tokens;
  std::string error;
  if (!Tokenize(query, tokens, error)) return duckdb::ParserExtensionParseResult();
  TokenCursor cursor(tokens);
  auto data = duckdb::make_uniq<ModelStatementData>();
  // Only statements that start CREATE [OR REPLACE] MODEL or DROP MODEL are ours.
  const bool create = cursor.IsKeyword("CREATE") &&
                      (cursor.IsKeyword("MODEL", 1) ||
                       (cursor.IsKeyword("OR", 1) && cursor.IsKeyword("REPLACE", 2) && cursor.IsKeyword("MODEL", 3)));
  const bool drop = cursor.IsKeyword("DROP") && cursor.IsKeyword("MODEL", 1);
  if (!create && !drop) return duckdb::ParserExtensionParseResult();

  const char* statement = create ? "CREATE MODEL" : "DROP MODEL";
  auto expected = [&](const std::string& what) {
    const auto& token = cursor.Peek();
    return Fail(std::string(statement) + ": expected " + what + " at " +
                    (token.kind == Token::Kind::kEnd ? std::string("the end") : "\"" + token.text + "\""),
                token.position);
  };
  cursor.Take();
  if (create) {
    if (cursor.TakeKeyword("OR")) {
      cursor.Take();  // REPLACE
      data->create.or_replace = true;
    }
    cursor.Take();  // MODEL
    if (cursor.TakeKeyword("IF")) {
      if (!cursor.TakeKeyword("NOT") || !cursor.TakeKeyword("EXISTS")) return expected("IF NOT EXISTS");
      data->create.if_not_exists = true;
    }
    if (cursor.Peek().kind != Token::Kind::kWord || cursor.IsKeyword("FROM")) return expected("the model's name");
    data->create.name = cursor.Take().text;
    if (!cursor.TakeKeyword("FROM")) return expected("FROM 'path'");
    if (cursor.Peek().kind != Token::Kind::kString) return expected("the model file as a 'string'");
    data->create.path = cursor.Take().text;
    if (cursor.TakeKeyword("WITH")) {
      if (!cursor.TakeSymbol("(")) return expected("(");
      while (true) {
        if (cursor.Peek().kind != Token::Kind::kWord) return expected("an option name");
        std::string key = cursor.Take().text;
        if (!cursor.TakeSymbol("=")) return expected("= after " + key);
        const auto& value = cursor.Peek();
        if (value.kind != Token::Kind::kString && value.kind != Token::Kind::kWord) {
          return expected("a value for " + key);
        }
        data->create.options.emplace_back(std::move(key), cursor.Take().text);
        if (cursor.TakeSymbol(")")) break;
        if (!cursor.TakeSymbol(",")) return expected(", or )");
      }
    }
  } else {
    cursor.Take();  // MODEL
    if (cursor.TakeKeyword("IF")) {
      if (!cursor.TakeKeyword("EXISTS")) return expected("IF EXISTS");
      data->if_exists = true;
    }
    if (cursor.Peek().kind != Token::Kind::kWord) return expected("the model's name");
    data->is_drop = true;
    data->create.name = cursor.Take().text;
  }
  cursor.TakeSymbol(";");
  if (cursor.Peek().kind != Token::Kind::kEnd) return expected("the end of the statement");
  return duckdb::ParserExtensionParseResult(std::move(data));
}

// The statement runs as a one-shot table function, so it happens at execution, once.
struct ModelStatementBindData : public duckdb::TableFunctionData {
  ModelStatementData statement;
};

struct ModelStatementState : public duckdb::GlobalTableFunctionState {
  bool done = false;
};

duckdb::unique_ptr<duckdb::GlobalTableFunctionState> ModelStatementInit(duckdb::ClientContext&,
                                                                        duckdb::TableFunctionInitInput&) {
  return duckdb::make_uniq<ModelStatementState>();
}

void ModelStatementRun(duckdb::ClientContext& context, duckdb::TableFunctionInput& input, duckdb::DataChunk& output) {
  auto& state = input.global_state->Cast<ModelStatementState>();
  if (state.done) return;
  state.done = true;
  const auto& statement = input.bind_data->Cast<ModelStatementBindData>().statement;
  auto& database = duckdb::DatabaseInstance::GetDatabase(context);
  if (statement.is_drop) {
    DropModel(database, statement.create.name, statement.if_exists);
  } else {
    // The model file, a labels file and a tokenizer follow DuckDB's access settings, as every file
    // quarry reads.
    CheckFileAccess(context, statement.create.path, duckdb::FileType::FILE_TYPE_REGULAR);
    for (const auto& [key, value] : statement.create.options) {
      if ((key == "labels" && value != "imagenet") || key == "tokenizer") {
        CheckFileAccess(context, value, duckdb::FileType::FILE_TYPE_REGULAR);
      }
    }
    auto request = statement.create;
    request.models_folder = ModelsFolder(context);
    CreateModel(database, request);
  }
}

duckdb::unique_ptr<duckdb::FunctionData> ModelStatementBind(duckdb::ClientContext&, duckdb::TableFunctionBindInput&,
                                                            duckdb::vector<duckdb::LogicalType>& types,
                                                            duckdb::vector<std::string>& names) {
  names = {"Success"};
  types = {duckdb::LogicalType::BOOLEAN};
  return duckdb::make_uniq<ModelStatementBindData>();
}

duckdb::ParserExtensionPlanResult PlanModelStatement(duckdb::ParserExtensionInfo*, duckdb::ClientContext&,
                                                     duckdb::unique_ptr<duckdb::ParserExtensionParseData> data) {
  const auto& statement = dynamic_cast<const ModelStatementData&>(*data);
  duckdb::TableFunction function("quarry_model_statement", {}, ModelStatementRun, ModelStatementBind,
                                 ModelStatementInit);
  // The statement travels in the bind data through the function's info.
  struct StatementInfo : public duckdb::TableFunctionInfo {
    explicit StatementInfo(ModelStatementData statement_p) : statement(std::move(statement_p)) {}
    ModelStatementData statement;
  };
  function.function_info = duckdb::make_shared_ptr<StatementInfo>(statement);
  function.bind = [](duckdb::ClientContext& context, duckdb::TableFunctionBindInput& input,
                     duckdb::vector<duckdb::LogicalType>& types, duckdb::vector<std::string>& names) {
    auto bind = ModelStatementBind(context, input, types, names);
    bind->Cast<ModelStatementBindData>().statement = input.info->Cast<StatementInfo>().statement;
    return bind;
  };
  duckdb::ParserExtensionPlanResult result;
  result.function = std::move(function);
  result.requires_valid_transaction = true;
  result.return_type = duckdb::StatementReturnType::NOTHING;
  return result;
}

}  // namespace

void RegisterModelStatements(duckdb::DatabaseInstance& database) {
  duckdb::ParserExtension extension;
  extension.parse_function = ParseModelStatement;
  extension.plan_function = PlanModelStatement;
  duckdb::DBConfig::GetConfig(database).parser_extensions.push_back(extension);
}

}  // namespace quarry
