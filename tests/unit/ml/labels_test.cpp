// ReadLabels: both layouts, blank lines, and unreadable files.
#include "ml/labels.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace quarry::ml {
namespace {

// Writes `text` to a file in the temporary folder and returns its path (removed by the test).
std::string WriteFile(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("quarry-labels-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

TEST(LabelsTest, ReadsWordNetLayout) {
  const std::string path = WriteFile("wordnet.txt",
                                     "n01440764 tench, Tinca tinca\n"
                                     "n01443537 goldfish, Carassius auratus\r\n"
                                     "n01484850   great white shark\n\n\n");
  auto labels = ReadLabels(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(labels.ok()) << labels.error();
  ASSERT_EQ(labels.value().size(), 3u);
  EXPECT_EQ(labels.value()[0].class_name, "n01440764");
  EXPECT_EQ(labels.value()[0].description, "tench, Tinca tinca");
  EXPECT_EQ(labels.value()[1].class_name, "n01443537");
  EXPECT_EQ(labels.value()[1].description, "goldfish, Carassius auratus");
  EXPECT_EQ(labels.value()[2].class_name, "n01484850");
  EXPECT_EQ(labels.value()[2].description, "great white shark");
}

TEST(LabelsTest, ReadsOneNamePerLine) {
  const std::string path = WriteFile("names.txt", "tench\ngoldfish\ngreat white shark\n\n");
  auto labels = ReadLabels(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(labels.ok()) << labels.error();
  ASSERT_EQ(labels.value().size(), 3u);
  EXPECT_EQ(labels.value()[0].class_name, "0");
  EXPECT_EQ(labels.value()[0].description, "tench");
  EXPECT_EQ(labels.value()[2].class_name, "2");
  EXPECT_EQ(labels.value()[2].description, "great white shark");
}

TEST(LabelsTest, MultiWordNamesAreNotIdentifiers) {
  // Every line has several words, but no first word looks like a class identifier.
  const std::string path = WriteFile("multi.txt", "great white shark\ntiger shark\n");
  auto labels = ReadLabels(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(labels.ok()) << labels.error();
  ASSERT_EQ(labels.value().size(), 2u);
  EXPECT_EQ(labels.value()[1].class_name, "1");
  EXPECT_EQ(labels.value()[1].description, "tiger shark");
}

TEST(LabelsTest, MixedLinesFallBackToNames) {
  const std::string path = WriteFile("mixed.txt", "n01440764 tench\ngoldfish\n");
  auto labels = ReadLabels(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(labels.ok()) << labels.error();
  ASSERT_EQ(labels.value().size(), 2u);
  EXPECT_EQ(labels.value()[0].class_name, "0");
  EXPECT_EQ(labels.value()[0].description, "n01440764 tench");
}

TEST(LabelsTest, MissingFileIsAnError) {
  auto labels = ReadLabels("/nonexistent/quarry/labels.txt");
  ASSERT_FALSE(labels.ok());
  EXPECT_NE(labels.error().find("/nonexistent/quarry/labels.txt"), std::string::npos) << labels.error();
}

TEST(LabelsTest, EmptyFileIsAnError) {
  const std::string path = WriteFile("empty.txt", "\n\n");
  auto labels = ReadLabels(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(labels.ok());
  EXPECT_NE(labels.error().find("empty"), std::string::npos) << labels.error();
}

}  // namespace
}  // namespace quarry::ml
