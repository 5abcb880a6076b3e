// image_resize, image_crop, image_center_crop, image_to_gray: scalar functions from image to image.
#pragma once

namespace duckdb {
class ExtensionLoader;
}

namespace quarry {

void RegisterImageTransformFunctions(duckdb::ExtensionLoader& loader);

}  // namespace quarry
