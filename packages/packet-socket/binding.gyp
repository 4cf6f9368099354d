{
  "targets": [
    {
      "target_name": "packet_socket",
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2"],
      "conditions": [
        ["OS=='linux'", { "sources": ["native/addon.cc", "native/socket.cc", "native/udp_socket.cc", "native/stream_fd.cc", "native/bfd_pacer.cc", "native/membership_link.cc", "native/neighbor_responder.cc"] }],
        ["OS!='linux'", { "sources": ["native/unsupported.cc"] }]
      ]
    }
  ]
}
