package vulkan

// The loader exports the core functions; extension functions (names ending in a vendor
// suffix such as KHR or EXT) come from vkGetInstanceProcAddr, through Funcs.BindProcs.
//go:generate go run ../../cmd/jitffi-gen -targets linux/amd64,linux/arm64,windows/amd64 -idirafter /usr/include -package vulkan -lib linux:libvulkan.so.1 -lib windows:vulkan-1.dll -optional [A-Z][A-Z]+$ -procaddr vulkan/vulkan_core.h
