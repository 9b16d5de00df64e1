module MeanField.Tests.Core.KernelsTests

open Expecto
open MeanField.Core.Kernels

/// sup over a fine radial grid of a function of r, as an independent check of a closed form.
let private supOver f (r: float) = Seq.init 200001 (fun k -> abs (f (r * float k / 200000.0))) |> Seq.max

[<Tests>]
let tests =
    testList "MeanField.Core.Kernels" [
        test "The polynomial bump's mass matches numerical quadrature in d = 1, 2, 3" {
            let chi = PolynomialBump(0.7, 1.3)
            let radial (r: float) = chi.ValueOfSquaredDistance(r * r)
            let quad f = MathNet.Numerics.Integrate.GaussLegendre(System.Func<float, float>(f), 0.0, 0.7, 64)
            let expected =
                [ 2.0 * quad radial
                  2.0 * System.Math.PI * quad (fun r -> r * radial r)
                  4.0 * System.Math.PI * quad (fun r -> r * r * radial r) ]
            for d in 1 .. 3 do
                Expect.floatClose Accuracy.veryHigh (chi.Mass d) expected[d - 1] $"mass in d = {d}"
        }

        test "The polynomial bump's Lipschitz constants are the suprema of |chi'| and of the Hessian's eigenvalues" {
            let chi = PolynomialBump(0.7, 1.3)
            let r = 0.7
            let lip = supOver chi.RadialDerivative r
            Expect.floatClose Accuracy.high chi.Lipschitz.Value lip "Lip(chi) = sup |chi'|"
            // Eigenvalues chi'' and chi'/rho, chi'' by a central difference.
            let h = 1e-5
            let second rho = (chi.RadialDerivative(rho + h) - chi.RadialDerivative(rho - h)) / (2.0 * h)
            let transverse rho = if rho = 0.0 then second 0.0 else chi.RadialDerivative rho / rho
            let lipGrad = max (supOver second (r - 2.0 * h)) (supOver transverse r)
            Expect.floatClose Accuracy.medium chi.GradientLipschitz.Value lipGrad "Lip(grad chi) = sup ||Hessian||"
        }

        test "The Cucker-Smale profile's Lipschitz constant is sup |psi'| for several sigma" {
            for sigma in [ 0.3; 0.5; 1.0; 2.5 ] do
                let k = CuckerSmaleKernel(1.0, 0.8, sigma)
                let psi (r: float) = k.ProfileOfSquaredDistance(r * r)
                let h = 1e-6
                let slope = supOver (fun r -> (psi (r + h) - psi (r - h)) / (2.0 * h)) 10.0
                Expect.floatClose Accuracy.medium k.ProfileLipschitz slope $"sigma = {sigma}"
        }

        test "The confinement force saturates at k l and is k-Lipschitz" {
            let f = ConfinementForce(2.0, 0.5)
            let at (x: float) =
                let a = [| 0.0 |]
                f.Add(System.ReadOnlySpan [| x |], System.Span a)
                a[0]
            Expect.floatClose Accuracy.medium (abs (at 1e8)) f.Supremum.Value "sup |F| = k l"
            Expect.floatClose Accuracy.medium ((at 1e-6 - at -1e-6) / 2e-6 |> abs) f.Lipschitz.Value "slope at 0 = k"
        }
    ]
