#include "detector/scratch.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace mammocad::detail {
namespace {

// Free buffers, largest first.
class BufferPool {
 public:
  // The smallest free buffer of at least `bytes` (its size in *size), or a new one.
  void* Take(std::size_t bytes, std::size_t* size) {
    {
      std::lock_guard lock(mutex_);
      for (auto it = free_.rbegin(); it != free_.rend(); ++it) {
        if (it->bytes < bytes) continue;
        const Buffer found = *it;
        free_.erase(std::next(it).base());
        pooled_bytes_ -= found.bytes;
        *size = found.bytes;
        return found.data;
      }
    }
    *size = bytes;
    return cv::fastMalloc(bytes);
  }

  // Keeps the buffer unless the pool is full; then the smallest buffers are freed first.
  void Give(void* data, std::size_t bytes) {
    std::vector<void*> to_free;
    {
      std::lock_guard lock(mutex_);
      const Buffer buffer{data, bytes};
      free_.insert(std::upper_bound(free_.begin(), free_.end(), buffer,
                                    [](const Buffer& a, const Buffer& b) {
                                      return a.bytes > b.bytes;
                                    }),
                   buffer);
      pooled_bytes_ += bytes;
      while (pooled_bytes_ > kScratchPoolBytes) {
        pooled_bytes_ -= free_.back().bytes;
        to_free.push_back(free_.back().data);
        free_.pop_back();
      }
    }
    for (void* p : to_free) cv::fastFree(p);
  }

 private:
  struct Buffer {
    void* data;
    std::size_t bytes;
  };
  std::mutex mutex_;
  std::vector<Buffer> free_;
  std::size_t pooled_bytes_ = 0;
};

// An OpenCV allocator over the pool (modelled on OpenCV's default StdMatAllocator).
class PooledAllocator : public cv::MatAllocator {
 public:
  cv::UMatData* allocate(int dims, const int* sizes, int type, void* data0, size_t* step,
                         cv::AccessFlag, cv::UMatUsageFlags) const override {
    size_t total = CV_ELEM_SIZE(type);
    for (int i = dims - 1; i >= 0; --i) {
      if (step) {
        if (data0 && step[i] != cv::Mat::AUTO_STEP) {
          total = step[i];
        } else {
          step[i] = total;
        }
      }
      total *= sizes[i];
    }
    auto* u = new cv::UMatData(this);
    if (data0) {
      u->data = u->origdata = static_cast<uchar*>(data0);
      u->flags |= cv::UMatData::USER_ALLOCATED;
      u->size = total;
    } else {
      std::size_t size = 0;
      u->data = u->origdata = static_cast<uchar*>(pool_.Take(total, &size));
      u->size = size;
    }
    return u;
  }

  bool allocate(cv::UMatData* u, cv::AccessFlag, cv::UMatUsageFlags) const override {
    return u != nullptr;
  }

  void deallocate(cv::UMatData* u) const override {
    if (!u) return;
    if (!(u->flags & cv::UMatData::USER_ALLOCATED)) pool_.Give(u->origdata, u->size);
    delete u;
  }

 private:
  mutable BufferPool pool_;
};

PooledAllocator& Allocator() {
  static PooledAllocator* allocator = new PooledAllocator;  // used until exit
  return *allocator;
}

}  // namespace

cv::Mat PooledMat(cv::Size size, int type) {
  cv::Mat m;
  m.allocator = &Allocator();
  m.create(size, type);
  return m;
}

}  // namespace mammocad::detail
