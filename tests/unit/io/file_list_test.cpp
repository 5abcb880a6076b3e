// Tests of ListFiles (src/io/file_list.cpp) on a folder tree made in a temporary folder.
#include "io/file_list.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace quarry::io {
namespace {

namespace fs = std::filesystem;

class FileListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("quarry_file_list_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (const char* path : {"a.jpg", "b.png", ".hidden.jpg", "kind=photo/year=2024/c.jpg", "kind=scan/d.jpg",
                             "kind=scan/deeper/e.jpg", ".git/f.jpg"}) {
      fs::create_directories((root_ / path).parent_path());
      std::ofstream(root_ / path) << path;
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> Relative(const FileList& list) {
    std::vector<std::string> paths;
    for (const auto& file : list.files) paths.push_back(fs::relative(file.path, root_).string());
    return paths;
  }
  std::string Path(const std::string& relative) { return (root_ / relative).string(); }

  fs::path root_;
};

using Paths = std::vector<std::string>;

TEST_F(FileListTest, FolderListsItsFilesSortedWithoutHiddenOnes) {
  auto list = ListFiles({root_.string()}, {});
  ASSERT_TRUE(list.ok()) << list.error();
  EXPECT_EQ(Relative(list.value()), (Paths{"a.jpg", "b.png"}));
}

TEST_F(FileListTest, RecursiveFolder) {
  FileListOptions options;
  options.recursive = true;
  auto list = ListFiles({root_.string()}, options);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Relative(list.value()),
            (Paths{"a.jpg", "b.png", "kind=photo/year=2024/c.jpg", "kind=scan/d.jpg", "kind=scan/deeper/e.jpg"}));
}

TEST_F(FileListTest, Globs) {
  EXPECT_EQ(Relative(ListFiles({Path("*.jpg")}, {}).value()), (Paths{"a.jpg"}));
  EXPECT_EQ(Relative(ListFiles({Path("*/*.jpg")}, {}).value()), (Paths{"kind=scan/d.jpg"}));
  EXPECT_EQ(Relative(ListFiles({Path("**/*.jpg")}, {}).value()),
            (Paths{"a.jpg", "kind=photo/year=2024/c.jpg", "kind=scan/d.jpg", "kind=scan/deeper/e.jpg"}));
  EXPECT_EQ(Relative(ListFiles({Path("[ab].*")}, {}).value()), (Paths{"a.jpg", "b.png"}));
  EXPECT_EQ(Relative(ListFiles({Path(".hidden.*")}, {}).value()), (Paths{".hidden.jpg"}));
}

TEST_F(FileListTest, ListsOfPatternsAreMergedWithoutDuplicates) {
  auto list = ListFiles({Path("a.jpg"), Path("*.jpg"), Path("b.png")}, {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Relative(list.value()), (Paths{"a.jpg", "b.png"}));
}

TEST_F(FileListTest, HivePartitionsBecomeValuesPerFile) {
  auto list = ListFiles({Path("**/*.jpg")}, {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list.value().partition_keys, (Paths{"kind", "year"}));
  const auto& files = list.value().files;
  EXPECT_FALSE(files[0].partition_values[0].has_value());  // a.jpg
  EXPECT_EQ(files[1].partition_values[0].value(), "photo");
  EXPECT_EQ(files[1].partition_values[1].value(), "2024");
  EXPECT_EQ(files[2].partition_values[0].value(), "scan");
  EXPECT_FALSE(files[2].partition_values[1].has_value());

  FileListOptions options;
  options.hive_partitioning = false;
  EXPECT_TRUE(ListFiles({Path("**/*.jpg")}, options).value().partition_keys.empty());
}

TEST_F(FileListTest, NothingFoundIsAnErrorNamingThePattern) {
  auto missing = ListFiles({Path("nope.jpg")}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "no file or folder found at '" + Path("nope.jpg") + "'");
  auto unmatched = ListFiles({Path("*.gif")}, {});
  ASSERT_FALSE(unmatched.ok());
  EXPECT_EQ(unmatched.error(), "no files match the pattern '" + Path("*.gif") + "'");
}

TEST_F(FileListTest, SizesAreListed) {
  auto list = ListFiles({Path("a.jpg")}, {});
  EXPECT_EQ(list.value().files.at(0).size, 5u);
}

}  // namespace
}  // namespace quarry::io
