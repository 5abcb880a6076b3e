// tokenize(text, tokenizer) -> INTEGER[] and detokenize(ids, tokenizer) -> VARCHAR: a Hugging Face
// tokenizer.json (src/text/) as SQL functions, with try_ twins that say why a row gave NULL.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterTokenizerFunctions(duckdb::ExtensionLoader& loader);

}  // namespace quarry
