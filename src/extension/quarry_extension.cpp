// quarry as a DuckDB extension: the one list of Register...() calls, one line per function family.
// A new family is a file under src/functions/ plus one line here.
#include "extension/quarry_extension.hpp"

#include "duckdb.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "functions/blob_length_function.hpp"
#include "functions/image_codec_functions.hpp"
#include "functions/image_transform_functions.hpp"
#include "functions/model_catalog.hpp"
#include "functions/model_input_pushdown.hpp"
#include "functions/model_statements.hpp"
#include "functions/models_folder_setting.hpp"
#include "functions/ocr_functions.hpp"
#include "functions/read_audio.hpp"
#include "functions/read_images.hpp"
#include "functions/read_pdf.hpp"
#include "functions/read_text.hpp"
#include "functions/read_video.hpp"
#include "functions/speech_functions.hpp"
#include "functions/tokenizer_functions.hpp"
#include "functions/version_function.hpp"

namespace quarry {

void RegisterQuarry(duckdb::ExtensionLoader& loader) {
  auto& database = loader.GetDatabaseInstance();
  loader.SetDescription("SQL over pictures, audio and text, with deep-learning models as SQL functions");
  RegisterVersionFunction(loader);
  RegisterReadImages(loader);
  RegisterReadText(loader);
  RegisterReadAudio(loader);
  RegisterReadVideo(loader);
  RegisterReadPdf(loader);
  RegisterImageTransformFunctions(loader);
  RegisterImageCodecFunctions(loader);
  RegisterBlobLengthFunction(loader);
  RegisterModelCatalogFunctions(loader);
  RegisterModelsFolderSetting(database);
  RegisterOcrFunctions(loader);
  RegisterSpeechFunctions(loader);
  RegisterTokenizerFunctions(loader);
  RegisterModelStatements(database);
  RegisterModelInputPushdown(database);
  // Last: the models saved in this database come back with their functions.
  RestoreModels(database);
}

void LoadQuarry(duckdb::DatabaseInstance& database) {
  duckdb::ExtensionLoader loader(database, "quarry");
  RegisterQuarry(loader);
}

}  // namespace quarry
