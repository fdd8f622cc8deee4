// A small HTTP/1.1 file server on 127.0.0.1 for the dataset download tests
// and benchmarks: serves byte strings by path, answers Range requests with
// 206, and can drop a connection halfway, throttle, or serve other bytes.
// It listens on a free port and stops when destroyed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cgym::test {

class HttpTestServer {
 public:
  struct File {
    std::string body;
    /// Close the connection after this many body bytes (0: never) ...
    size_t drop_after = 0;
    /// ... on this many requests.
    int drops = 0;
    /// Sleep this long after every 64 kB sent (0: full speed).
    int delay_ms_per_chunk = 0;
    /// Ignore Range headers (always 200 with the full body).
    bool ignore_range = false;
  };

  HttpTestServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0) {
      ::close(fd_);
      throw std::runtime_error("bind/listen on 127.0.0.1 failed");
    }
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { accept_loop(); });
  }

  ~HttpTestServer() {
    stop_ = true;
    thread_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mu_);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    ::close(fd_);
  }

  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void serve(const std::string& path, File f) {
    std::lock_guard lock(mu_);
    files_[path] = std::move(f);
  }
  /// Requests seen for `path`, and the Range header of each ("" for none).
  std::vector<std::string> ranges(const std::string& path) const {
    std::lock_guard lock(mu_);
    auto it = ranges_.find(path);
    return it == ranges_.end() ? std::vector<std::string>{} : it->second;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::lock_guard lock(mu_);
      workers_.emplace_back([this, c] {
        handle(c);
        ::close(c);
      });
    }
  }

  bool send_all(int c, const char* data, size_t n) {
    while (n > 0) {
      const ssize_t k = ::send(c, data, n, MSG_NOSIGNAL);
      if (k <= 0) return false;
      data += k;
      n -= static_cast<size_t>(k);
    }
    return true;
  }

  void handle(int c) {
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos) {
      pollfd p{c, POLLIN, 0};
      if (stop_ || ::poll(&p, 1, 2000) <= 0) return;
      const ssize_t k = ::recv(c, buf, sizeof buf, 0);
      if (k <= 0) return;
      req.append(buf, static_cast<size_t>(k));
    }
    const auto sp1 = req.find(' ');
    const auto sp2 = req.find(' ', sp1 + 1);
    const std::string path = req.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string range;
    for (const char* h : {"\r\nRange: ", "\r\nrange: "}) {
      if (auto p = req.find(h); p != std::string::npos) {
        const auto e = req.find("\r\n", p + 2);
        range = req.substr(p + std::strlen(h), e - p - std::strlen(h));
      }
    }
    File f;
    bool found = false;
    bool drop = false;
    {
      std::lock_guard lock(mu_);
      ranges_[path].push_back(range);
      if (auto it = files_.find(path); it != files_.end()) {
        found = true;
        if (it->second.drops > 0 && it->second.drop_after) {
          --it->second.drops;
          drop = true;
        }
        f = it->second;
      }
    }
    if (!found) {
      const std::string r =
          "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found";
      send_all(c, r.data(), r.size());
      return;
    }
    size_t from = 0;
    if (!range.empty() && !f.ignore_range && range.starts_with("bytes=")) {
      from = std::stoul(range.substr(6));
    }
    std::string head;
    if (from > 0 && from >= f.body.size()) {
      head = "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      send_all(c, head.data(), head.size());
      return;
    }
    const size_t n = f.body.size() - from;
    if (from > 0) {
      head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + std::to_string(from) + "-" +
             std::to_string(f.body.size() - 1) + "/" + std::to_string(f.body.size()) + "\r\n";
    } else {
      head = "HTTP/1.1 200 OK\r\n";
    }
    head += "Content-Length: " + std::to_string(n) +
            "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
    if (!send_all(c, head.data(), head.size())) return;
    const size_t limit = drop ? std::min(n, f.drop_after) : n;
    size_t sent = 0;
    while (sent < limit && !stop_) {
      const size_t k = std::min<size_t>(65536, limit - sent);
      if (!send_all(c, f.body.data() + from + sent, k)) return;
      sent += k;
      if (f.delay_ms_per_chunk) {
        std::this_thread::sleep_for(std::chrono::milliseconds(f.delay_ms_per_chunk));
      }
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::thread> workers_;
  std::map<std::string, File> files_;
  std::map<std::string, std::vector<std::string>> ranges_;
};

}  // namespace cgym::test
