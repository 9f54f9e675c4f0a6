package secrets

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// noDefaultKeyring asks the Secret Service whether it has a default
// keyring at all. go-keyring reports "failed to unlock correct collection"
// both when the keyring is locked (and the unlock prompt was dismissed)
// and when there is no keyring to unlock: a fresh gnome-keyring without a
// login keyring answers ReadAlias("default") with "/", which no locked
// keyring does.
func noDefaultKeyring() bool {
	conn, err := dbus.SessionBus() // shared, not closed
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var path dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		CallWithContext(ctx, "org.freedesktop.Secret.Service.ReadAlias", 0, "default").Store(&path)
	return err == nil && path == "/"
}
