package loader

// On Windows the package needs no cgo: LoadLibraryExW, GetProcAddress and FreeLibrary are
// reached through golang.org/x/sys/windows, and the Go runtime calls into DLLs on threads
// it created without any C library's help. The Unix options map as follows: Lazy and
// Global change nothing, since Windows resolves a DLL's imports when it loads it and never
// adds a DLL's exports to a global namespace; NoDelete pins the DLL
// (GET_MODULE_HANDLE_EX_FLAG_PIN); NoLoad returns a new reference to a DLL that is already
// loaded (GetModuleHandleExW) and fails otherwise. Lookup searches the DLL's own exports,
// following forwarders, but not the DLLs it imports from.

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// cgoMissing reports that the system calls below are available.
func cgoMissing() (string, bool) { return "", false }

// handle is the module handle LoadLibraryExW returns, or mainProgram.
type handle = windows.Handle

// mainProgram stands for Open("")'s handle: not a module but the program and every module
// it has loaded, searched in turn by Lookup.
const mainProgram handle = 0

// sysOpen loads the DLL at path, or stands for the main program when path is "". On
// failure it returns the system's message.
func sysOpen(path string, cfg config) (handle, string, bool) {
	if path == "" {
		return mainProgram, "", true
	}
	// The Win32 loader wants backslashes. An absolute path also gets the DLL's own
	// directory searched for the DLLs it imports (LOAD_WITH_ALTERED_SEARCH_PATH, which is
	// undefined for relative paths); a bare name is searched for the standard way.
	name := filepath.FromSlash(path)
	if cfg.noLoad {
		var h windows.Handle
		p, err := windows.UTF16PtrFromString(name)
		if err != nil {
			return 0, err.Error(), false
		}
		if err := windows.GetModuleHandleEx(0, p, &h); err != nil {
			return 0, "the library is not loaded and NoLoad was given: " + sysText(err), false
		}
		return pin(h, cfg)
	}
	var flags uintptr
	if filepath.IsAbs(name) {
		flags = windows.LOAD_WITH_ALTERED_SEARCH_PATH
	}
	h, err := windows.LoadLibraryEx(name, 0, flags)
	if err != nil {
		return 0, sysText(err), false
	}
	return pin(h, cfg)
}

// pin keeps the module loaded for the life of the process when cfg asks for NoDelete.
// The handle stays a counted reference, so Close still calls FreeLibrary on it.
func pin(h handle, cfg config) (handle, string, bool) {
	if !cfg.noDelete {
		return h, "", true
	}
	// FROM_ADDRESS takes any address inside the module; a module handle is its base.
	var pinned windows.Handle
	if err := windows.GetModuleHandleEx(windows.GET_MODULE_HANDLE_EX_FLAG_PIN|windows.GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (*uint16)(addrPtr(uintptr(h))), &pinned); err != nil {
		text := "NoDelete: pinning the module failed: " + sysText(err)
		windows.FreeLibrary(h)
		return 0, text, false
	}
	return h, "", true
}

// sysLookup calls GetProcAddress on the module, or on every module of the process for the
// main program. On failure it returns the system's message.
func sysLookup(h handle, name string) (uintptr, string, bool) {
	if name == "" {
		// GetProcAddress reads a name pointer whose high bits are zero as an ordinal.
		return 0, "the symbol name is empty", false
	}
	if h != mainProgram {
		addr, err := windows.GetProcAddress(h, name)
		if err != nil {
			return 0, sysText(err), false
		}
		return addr, "", true
	}
	mods, err := processModules()
	if err != nil {
		return 0, "listing the process's modules: " + sysText(err), false
	}
	for _, m := range mods {
		if addr, err := windows.GetProcAddress(m, name); err == nil {
			return addr, "", true
		}
	}
	return 0, fmt.Sprintf("%s is exported by neither the program nor any of the %d modules it has loaded", name, len(mods)-1), false
}

// processModules returns the handles of the program's executable (first) and of every DLL
// the process has loaded.
func processModules() ([]windows.Handle, error) {
	mods := make([]windows.Handle, 256)
	for {
		var need uint32
		size := uint32(len(mods)) * uint32(unsafe.Sizeof(mods[0]))
		if err := windows.EnumProcessModules(windows.CurrentProcess(), &mods[0], size, &need); err != nil {
			return nil, err
		}
		if need <= size {
			return mods[:need/uint32(unsafe.Sizeof(mods[0]))], nil
		}
		mods = make([]windows.Handle, need/uint32(unsafe.Sizeof(mods[0]))+16)
	}
}

// sysClose calls FreeLibrary. The main program has nothing to release.
func sysClose(h handle) (string, bool) {
	if h == mainProgram {
		return "", true
	}
	if err := windows.FreeLibrary(h); err != nil {
		return sysText(err), false
	}
	return "", true
}

// sysText returns the system's message for a Win32 error with its number, such as
// "The specified module could not be found. (Windows error 126)".
func sysText(err error) string {
	text := strings.TrimSpace(err.Error())
	if e, ok := err.(syscall.Errno); ok {
		return fmt.Sprintf("%s (Windows error %d)", text, uint32(e))
	}
	return text
}

// addrPtr turns an address that is not Go memory (a module's base) into a pointer for a
// system call; going through memory keeps vet's unsafeptr check quiet about it.
func addrPtr(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

var getLastError = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetLastError")

// ErrnoLocation returns 0 on Windows: there is no single errno there. Each C runtime DLL
// (msvcrt.dll, ucrtbase.dll, a program's own static CRT) keeps an errno of its own, and
// Win32 functions report failures through the thread's last-error value instead. Call
// stubs on Windows read that value through LastErrorFunc.
func ErrnoLocation() uintptr { return 0 }

// LastErrorFunc returns the address of kernel32's GetLastError, a C function without
// arguments that returns the calling thread's last-error value. A call stub that captures
// the error code calls it right after the C function returns, on the same thread, before
// the Go runtime (which makes Win32 calls of its own) can overwrite the value.
func LastErrorFunc() uintptr {
	if err := getLastError.Find(); err != nil {
		return 0
	}
	return getLastError.Addr()
}
