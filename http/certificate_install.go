package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse/business"
)

type certificateInstallInput struct {
	Body struct {
		FlowID          string `json:"flow_id" doc:"The id from POST /api/v1/security/certificate/code" maxLength:"36"`
		Code            string `json:"code" doc:"The 6-digit code sent to the bound phone" pattern:"^[0-9]{6}$"`
		PaymentPassword string `json:"payment_password,omitempty" required:"false" doc:"The 6-digit payment password; required when the account has one" maxLength:"16"`
		DeviceLabel     string `json:"device_label,omitempty" required:"false" maxLength:"200" doc:"How the holder will recognise this device, when the install remembers it"`
	}
}

type installedOutput struct {
	Body *business.InstalledCertificate
}

// registerCertificateInstall registers the holder's own remedy for ENV_CERTIFICATE_MISSING (AP-2):
// a code to the bound phone, then the code and the payment password install the certificate on
// the device the session was opened on. Fresh codes come from POST /api/v1/business/{id}/code.
func (s *Server) registerCertificateInstall() {
	tags := []string{"Security"}
	register(s, huma.Operation{
		OperationID: "start-certificate-install", Method: http.MethodPost, Path: "/api/v1/security/certificate/code",
		DefaultStatus: 201, Summary: "Send a code to the bound phone to install the device certificate (AP-2)", Tags: tags,
		Description: "For a digital-certificate user whose certificate is not on this device. A pending install is replaced. " +
			"409 CERTIFICATE_NOT_REQUIRED for an account that needs none; 429 at the daily cap of codes.",
		Security: bearer, Errors: []int{401, 409, 429},
	}, func(ctx context.Context, _ *struct{}) (*flowOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		f, err := s.Business.StartCertificateInstall(ctx, p.Account.ID)
		return &flowOutput{Body: f}, err
	})
	register(s, huma.Operation{
		OperationID: "install-certificate", Method: http.MethodPost, Path: "/api/v1/security/certificate",
		Summary: "Install the device certificate on this device with the code and the payment password (AP-2)", Tags: tags,
		Description: "The certificate goes to the remembered device this session was opened on, and to no other: the closure's " +
			"environment check then passes for sessions on it. A session opened on no remembered device has its device " +
			"remembered by the install, whose answer then carries the device_token (shown once). A wrong payment password counts toward its lock (423 at the " +
			"fifth); a wrong code spends one of its tries (422 OTP_INVALID with the tries left; OTP_EXPIRED: ask for a new " +
			"code). 409 DEVICE_NOT_REMEMBERED when the session's device was forgotten meanwhile.",
		Security: bearer, Errors: []int{401, 404, 409, 422, 423},
	}, func(ctx context.Context, in *certificateInstallInput) (*installedOutput, error) {
		p, err := caller(ctx)
		if err != nil {
			return nil, err
		}
		d, err := s.Business.ConfirmCertificateInstall(ctx, p.Account.ID, business.CertificateInstall{FlowID: in.Body.FlowID,
			Code: in.Body.Code, PaymentPassword: in.Body.PaymentPassword, SessionID: p.Session.ID, DeviceLabel: in.Body.DeviceLabel})
		return &installedOutput{Body: d}, err
	})
}
