package vulkan_test

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/jitffi/jitffi"
	"github.com/jitffi/jitffi/gen/examples/vulkan"
)

// cstr makes a NUL-terminated copy of s that stays alive as long as the pointer does.
func cstr(s string) *byte { return jitffi.MustCString(s) }

// lavapipe opens the Vulkan loader with lavapipe, mesa's CPU driver, as its only driver.
func lavapipe(t *testing.T) *vulkan.Lib {
	t.Helper()
	icds, _ := filepath.Glob("/usr/share/vulkan/icd.d/lvp_icd.*.json")
	if len(icds) == 0 {
		t.Skip("lavapipe is not installed (Debian: apt-get install mesa-vulkan-drivers)")
	}
	t.Setenv("VK_DRIVER_FILES", icds[0])  // loaders from 1.3.207 on
	t.Setenv("VK_ICD_FILENAMES", icds[0]) // older loaders
	vk, err := vulkan.Open()
	if errors.Is(err, jitffi.ErrLibraryNotFound) {
		t.Skipf("no Vulkan loader (Debian: apt-get install libvulkan1): %v", err)
	}
	if err != nil {
		t.Fatalf("vulkan.Open: %v", err)
	}
	t.Cleanup(func() { vk.Close() })
	return vk
}

// TestInstanceDevicesAndMessenger creates an instance with a debug messenger whose
// callback is Go, enumerates the physical devices and reads their property structs.
func TestInstanceDevicesAndMessenger(t *testing.T) {
	vk := lavapipe(t)
	var version uint32
	if r := vk.VkEnumerateInstanceVersion.Call(&version); r != vulkan.VK_SUCCESS || version < vulkan.VK_API_VERSION_1_1 {
		t.Fatalf("vkEnumerateInstanceVersion: %d, version %#x", r, version)
	}

	var messages []string
	callback, err := vulkan.NewPFN_vkDebugUtilsMessengerCallbackEXT(func(severity vulkan.VkDebugUtilsMessageSeverityFlagBitsEXT,
		types vulkan.VkDebugUtilsMessageTypeFlagsEXT, data *vulkan.VkDebugUtilsMessengerCallbackDataEXT, user unsafe.Pointer) vulkan.VkBool32 {
		if data.SType != vulkan.VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CALLBACK_DATA_EXT {
			t.Errorf("callback data of type %d", data.SType)
		}
		messages = append(messages, jitffi.GoString(data.PMessage))
		*(*int)(user)++
		return vulkan.VK_FALSE
	})
	if err != nil {
		t.Fatal(err)
	}
	defer callback.Free()
	calls := 0
	messengerInfo := vulkan.VkDebugUtilsMessengerCreateInfoEXT{
		SType: vulkan.VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
		MessageSeverity: uint32(vulkan.VK_DEBUG_UTILS_MESSAGE_SEVERITY_VERBOSE_BIT_EXT | vulkan.VK_DEBUG_UTILS_MESSAGE_SEVERITY_INFO_BIT_EXT |
			vulkan.VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | vulkan.VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT),
		MessageType: uint32(vulkan.VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | vulkan.VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
			vulkan.VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT),
		PfnUserCallback: callback.Addr(),
		PUserData:       unsafe.Pointer(&calls),
	}
	app := vulkan.VkApplicationInfo{
		SType:            vulkan.VK_STRUCTURE_TYPE_APPLICATION_INFO,
		PApplicationName: cstr("jitffi-gen example"),
		ApiVersion:       vulkan.VK_API_VERSION_1_1,
	}
	extensions := []*byte{cstr(vulkan.VK_EXT_DEBUG_UTILS_EXTENSION_NAME)}
	info := vulkan.VkInstanceCreateInfo{
		SType: vulkan.VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
		// A messenger in the chain covers vkCreateInstance and vkDestroyInstance themselves.
		PNext:                   unsafe.Pointer(&messengerInfo),
		PApplicationInfo:        &app,
		EnabledExtensionCount:   uint32(len(extensions)),
		PpEnabledExtensionNames: &extensions[0],
	}
	var instance vulkan.VkInstance
	if r := vk.VkCreateInstance.Call(&info, nil, &instance); r != vulkan.VK_SUCCESS {
		t.Fatalf("vkCreateInstance: %d", r)
	}
	runtime.KeepAlive(extensions)
	destroyed := false
	defer func() {
		if !destroyed {
			vk.VkDestroyInstance.Call(instance, nil)
		}
	}()

	// Extension functions come from vkGetInstanceProcAddr.
	if err := vk.BindProcs(func(name string) uintptr { return vk.VkGetInstanceProcAddr.Call(instance, name) }); err != nil {
		t.Fatalf("BindProcs: %v", err)
	}
	var messenger vulkan.VkDebugUtilsMessengerEXT
	if r := vk.VkCreateDebugUtilsMessengerEXT.Call(instance, &messengerInfo, nil, &messenger); r != vulkan.VK_SUCCESS {
		t.Fatalf("vkCreateDebugUtilsMessengerEXT: %d", r)
	}
	// A message submitted through the extension reaches the Go callback, through both
	// messengers.
	before := calls
	msg := vulkan.VkDebugUtilsMessengerCallbackDataEXT{
		SType:    vulkan.VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CALLBACK_DATA_EXT,
		PMessage: cstr("hello from Go through vkSubmitDebugUtilsMessageEXT"),
	}
	vk.VkSubmitDebugUtilsMessageEXT.Call(instance, vulkan.VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT,
		uint32(vulkan.VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT), &msg)
	if calls == before || !strings.Contains(strings.Join(messages, "\n"), "hello from Go through vkSubmitDebugUtilsMessageEXT") {
		t.Fatalf("the debug messenger's Go callback did not get the submitted message: %q", messages)
	}

	var count uint32
	if r := vk.VkEnumeratePhysicalDevices.Call(instance, &count, nil); r != vulkan.VK_SUCCESS || count == 0 {
		t.Fatalf("vkEnumeratePhysicalDevices: %d, %d devices", r, count)
	}
	devices := make([]vulkan.VkPhysicalDevice, count)
	if r := vk.VkEnumeratePhysicalDevices.Call(instance, &count, &devices[0]); r != vulkan.VK_SUCCESS {
		t.Fatalf("vkEnumeratePhysicalDevices: %d", r)
	}
	for _, dev := range devices[:count] {
		var props vulkan.VkPhysicalDeviceProperties
		vk.VkGetPhysicalDeviceProperties.Call(dev, &props)
		name := jitffi.GoString(&props.DeviceName[0])
		t.Logf("device %q: type %d, API %d.%d.%d, maxImageDimension2D %d, maxComputeWorkGroupSize %v",
			name, props.DeviceType, props.ApiVersion>>22, props.ApiVersion>>12&0x3ff, props.ApiVersion&0xfff,
			props.Limits.MaxImageDimension2D, props.Limits.MaxComputeWorkGroupSize)
		if props.DeviceType != vulkan.VK_PHYSICAL_DEVICE_TYPE_CPU || !strings.HasPrefix(name, "llvmpipe") {
			t.Errorf("device %q of type %d: want lavapipe's llvmpipe, a CPU device", name, props.DeviceType)
		}
		if props.ApiVersion < vulkan.VK_API_VERSION_1_1 || props.Limits.MaxImageDimension2D < 4096 ||
			props.Limits.MaxComputeWorkGroupSize[0] == 0 || props.Limits.TimestampPeriod <= 0 {
			t.Errorf("implausible properties (a layout error would show here): %+v", props.Limits)
		}

		// The same through vkGetPhysicalDeviceProperties2, with a pNext chain.
		driver := vulkan.VkPhysicalDeviceDriverProperties{SType: vulkan.VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES}
		props2 := vulkan.VkPhysicalDeviceProperties2{SType: vulkan.VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, PNext: unsafe.Pointer(&driver)}
		vk.VkGetPhysicalDeviceProperties2.Call(dev, &props2)
		if props2.Properties != props {
			t.Errorf("vkGetPhysicalDeviceProperties2 gives other properties than vkGetPhysicalDeviceProperties")
		}
		if driver.DriverID != vulkan.VK_DRIVER_ID_MESA_LLVMPIPE || jitffi.GoString(&driver.DriverName[0]) != "llvmpipe" {
			t.Errorf("driver %d %q, want VK_DRIVER_ID_MESA_LLVMPIPE llvmpipe", driver.DriverID, jitffi.GoString(&driver.DriverName[0]))
		}
		t.Logf("driver %q, %q, conformance %+v", jitffi.GoString(&driver.DriverName[0]), jitffi.GoString(&driver.DriverInfo[0]), driver.ConformanceVersion)

		var families uint32
		vk.VkGetPhysicalDeviceQueueFamilyProperties.Call(dev, &families, nil)
		queues := make([]vulkan.VkQueueFamilyProperties, families)
		vk.VkGetPhysicalDeviceQueueFamilyProperties.Call(dev, &families, &queues[0])
		if families == 0 || queues[0].QueueCount == 0 || queues[0].QueueFlags&uint32(vulkan.VK_QUEUE_GRAPHICS_BIT) == 0 {
			t.Errorf("queue families: %+v", queues)
		}
	}

	vk.VkDestroyDebugUtilsMessengerEXT.Call(instance, messenger, nil)
	vk.VkDestroyInstance.Call(instance, nil)
	destroyed = true
	t.Logf("the Go callback ran %d times", calls)
}
