package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

// registerDevices registers the remembered devices: list them and revoke one (its sessions end) (GE-7, issue 14).
func (s *Server) registerDevices() {
	register(s, huma.Operation{
		OperationID: "devices", Method: http.MethodGet, Path: "/api/v1/security/devices",
		Summary: "Remembered devices", Tags: []string{"Security"}, Security: bearer, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*devicesOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		ds, err := s.Accounts.Devices(ctx, p.Account.ID)
		out := &devicesOutput{}
		out.Body.Devices = ds
		if out.Body.Devices == nil {
			out.Body.Devices = []*purse.Device{}
		}
		return out, err
	})

	register(s, huma.Operation{
		OperationID: "revoke-device", Method: http.MethodDelete, Path: "/api/v1/security/devices/{id}", DefaultStatus: 204,
		Summary: "Forget a device and sign it out", Tags: []string{"Security"}, Security: bearer, Errors: []int{401, 404},
	}, func(ctx context.Context, in *deviceInput) (*emptyOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		return &emptyOutput{}, s.Accounts.RevokeDevice(ctx, p.Account.ID, in.ID)
	})
}
