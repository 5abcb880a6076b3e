// Text boxes as OCR sees them: quadrilaterals in image pixel coordinates, their sizes, their
// conversion to the integer boxes OCR returns, and reading order (rows top to bottom, boxes left to
// right within a row). Pure functions on plain values; thread-safe.
//
// Rows: two boxes are on the same row when each one's vertical center lies within the other's vertical
// extent (min to max y of its corners). Scale-free, so it holds for any text size, and for lines
// tilted by a few degrees, whose extents grow with the tilt. Boxes are taken by vertical center; a box
// joins the current row when it is on the same row as the row's first box, else it starts a new row.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quarry::ml::ocr {

struct Point {
  float x = 0;
  float y = 0;
};

// Four corners clockwise from the top-left (y grows downwards): top-left, top-right, bottom-right,
// bottom-left.
using Quad = std::array<Point, 4>;

// The longer of the top and bottom sides / of the left and right sides.
float QuadWidth(const Quad& quad);
float QuadHeight(const Quad& quad);

// x0,y0,x1,y1,... rounded to the nearest integer; and back.
std::array<int32_t, 8> ToIntegerBox(const Quad& quad);
Quad FromIntegerBox(const std::array<int32_t, 8>& box);

// Whether `a` and `b` sit on the same text row (see the header comment).
bool SameRow(const Quad& a, const Quad& b);

// The indices of `quads` grouped into rows in reading order: rows top to bottom, each row's indices
// left to right (by the smallest x of their corners).
std::vector<std::vector<size_t>> GroupIntoRows(const std::vector<Quad>& quads);

}  // namespace quarry::ml::ocr
