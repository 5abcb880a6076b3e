// Tests of the streaming listing (FileListing, PatternWalker, SortedDirectory): path order equal to a
// sort of every path, folders read in small windows, shares that split a listing exactly, exclusion,
// and link cycles.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "io/file_list.hpp"

namespace quarry::io {
namespace {

namespace fs = std::filesystem;
using Paths = std::vector<std::string>;

class FileListingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("quarry_file_listing_" + std::to_string(::getpid()))).string();
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void Touch(const std::string& relative) {
    fs::create_directories(fs::path(root_ + "/" + relative).parent_path());
    std::ofstream(root_ + "/" + relative) << relative;
  }

  // A tree whose names sort differently as names and as paths ("a" folder vs "a.jpg", "a0").
  Paths MakeTrickyTree() {
    Paths made;
    std::mt19937 random(7);
    const Paths names = {"a", "a.jpg", "a0", "a-b", "A", "b", "ab", "a_", "z"};
    for (int i = 0; i < 300; i++) {
      std::string path;
      const int depth = 1 + static_cast<int>(random() % 3);
      for (int d = 0; d < depth; d++) path += (d ? "/" : "") + names[random() % names.size()];
      path += "_" + std::to_string(random() % 5) + ".jpg";
      bool clash = false;  // a file where a folder is, or the other way round, or a file made twice
      for (const auto& other : made) {
        if (other == path || other.rfind(path + "/", 0) == 0 || path.rfind(other + "/", 0) == 0) clash = true;
      }
      if (clash) continue;
      Touch(path);
      made.push_back(path);
    }
    for (auto& path : made) path = root_ + "/" + path;
    std::sort(made.begin(), made.end());
    return made;
  }

  static Paths Drain(const Paths& patterns, const FileListOptions& options) {
    auto listing = FileListing::Start(patterns, options);
    EXPECT_TRUE(listing.ok()) << listing.error();
    Paths paths;
    while (true) {
      auto next = listing.value()->Next();
      EXPECT_TRUE(next.ok());
      if (!next.value()) break;
      paths.push_back(next.value()->path);
    }
    return paths;
  }

  std::string root_;
};

TEST_F(FileListingTest, RecursiveOrderIsAPlainSortOfPaths) {
  const Paths expected = MakeTrickyTree();
  FileListOptions options;
  options.recursive = true;
  EXPECT_EQ(Drain({root_}, options), expected);
  EXPECT_EQ(Drain({root_ + "/**/*.jpg"}, options), expected);
}

TEST_F(FileListingTest, SmallWindowsGiveTheSameOrder) {
  const Paths expected = MakeTrickyTree();
  for (size_t window : {1, 2, 3, 7, 50}) {
    FileListOptions options;
    options.recursive = true;
    options.directory_window = window;
    EXPECT_EQ(Drain({root_}, options), expected) << "window " << window;
  }
}

TEST_F(FileListingTest, SortedDirectoryReadsAFolderInWindows) {
  for (int i = 0; i < 1000; i++) Touch("flat/" + std::to_string(i * 7919 % 1000) + ".txt");
  SortedDirectory directory(root_ + "/flat", 64);
  Paths names;
  while (true) {
    auto entry = directory.Next();
    ASSERT_TRUE(entry.ok());
    if (!entry.value()) break;
    names.push_back(entry.value()->name);
  }
  ASSERT_EQ(names.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 1000u);
}

TEST_F(FileListingTest, SharesSplitAListingExactly) {
  const Paths all = MakeTrickyTree();
  for (uint32_t count : {2u, 3u, 5u}) {
    Paths joined;
    for (uint32_t index = 0; index < count; index++) {
      FileListOptions options;
      options.recursive = true;
      options.share = {index, count};
      const Paths share = Drain({root_}, options);
      EXPECT_TRUE(std::is_sorted(share.begin(), share.end()));
      EXPECT_FALSE(share.empty());
      for (const auto& path : share) EXPECT_EQ(ShareOfPath(path, count), index);
      joined.insert(joined.end(), share.begin(), share.end());
    }
    std::sort(joined.begin(), joined.end());
    EXPECT_EQ(joined, all) << count << " shares";
  }
}

TEST_F(FileListingTest, ExcludedFilesAreLeftOut) {
  const Paths all = MakeTrickyTree();
  const std::set<std::string> done(all.begin(), all.begin() + 100);
  FileListOptions options;
  options.recursive = true;
  options.exclude = [&done](const std::string& path) { return done.count(path) > 0; };
  EXPECT_EQ(Drain({root_}, options), Paths(all.begin() + 100, all.end()));
}

TEST_F(FileListingTest, AnEmptyShareIsNotAnError) {
  Touch("only.jpg");
  FileListOptions options;
  options.share = {ShareOfPath(root_ + "/only.jpg", 2) == 0 ? 1u : 0u, 2};
  EXPECT_TRUE(Drain({root_ + "/*.jpg"}, options).empty());
}

TEST_F(FileListingTest, TrailingDoubleStarTakesEveryFileBelow) {
  Touch("x/1.txt");
  Touch("x/y/2.txt");
  Touch("x/.hidden/3.txt");
  EXPECT_EQ(Drain({root_ + "/x/**"}, {}), (Paths{root_ + "/x/1.txt", root_ + "/x/y/2.txt"}));
}

TEST_F(FileListingTest, LinkCyclesDoNotLoop) {
  Touch("loop/a.jpg");
  fs::create_directory_symlink(root_ + "/loop", root_ + "/loop/again");
  FileListOptions options;
  options.recursive = true;
  EXPECT_EQ(Drain({root_ + "/loop"}, options), (Paths{root_ + "/loop/a.jpg"}));
  EXPECT_EQ(Drain({root_ + "/loop/**/*.jpg"}, {}), (Paths{root_ + "/loop/a.jpg"}));
  // One level through the link, as a glob without ** names it.
  EXPECT_EQ(Drain({root_ + "/loop/*/*.jpg"}, {}), (Paths{root_ + "/loop/again/a.jpg"}));
}

TEST_F(FileListingTest, AMissingFolderIsAnError) {
  auto listing = FileListing::Start({root_ + "/nope"}, {});
  ASSERT_FALSE(listing.ok());
  EXPECT_EQ(listing.error(), "no file or folder found at '" + root_ + "/nope'");
}

}  // namespace
}  // namespace quarry::io
