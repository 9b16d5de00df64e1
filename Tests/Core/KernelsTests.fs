module MeanField.Tests.Core.KernelsTests

open Expecto
open MeanField.Core.Kernels

/// sup over a fine radial grid of a function of r, as an independent check of a closed form.
let private supOver f (r: float) = Seq.init 200001 (fun k -> abs (f (r * float k / 200000.0))) |> Seq.max

/// int chi over R^d in d = 1, 2, 3 from a radial profile and a rule for int_0^R: 2, 2 pi r, 4 pi r^2 times chi(r).
let private radialMasses (quad: (float -> float) -> float) (radial: float -> float) =
    [ 2.0 * quad radial
      2.0 * System.Math.PI * quad (fun r -> r * radial r)
      4.0 * System.Math.PI * quad (fun r -> r * r * radial r) ]

[<Tests>]
let tests =
    testList "MeanField.Core.Kernels" [
        test "The polynomial bump's mass matches numerical quadrature in d = 1, 2, 3" {
            let chi = PolynomialBump(0.7, 1.3)
            let radial (r: float) = chi.ValueOfSquaredDistance(r * r)
            let quad f = MathNet.Numerics.Integrate.GaussLegendre(System.Func<float, float>(f), 0.0, 0.7, 64)
            let expected = radialMasses quad radial
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

        test "The smooth bump's mass matches numerical quadrature in d = 1, 2, 3, and its derivative a central difference" {
            let chi = SmoothBump(0.9, 1.7, 16.0)
            let radial (r: float) = chi.ValueOfSquaredDistance(r * r)
            // Tanh-sinh (double exponential) quadrature: a different rule from the Gauss-Legendre panels of Mass.
            let quad f = MathNet.Numerics.Integrate.DoubleExponential(System.Func<float, float>(f), 0.0, 0.9)
            let expected = radialMasses quad radial
            for d in 1 .. 3 do
                Expect.floatClose Accuracy.high (chi.Mass d) expected[d - 1] $"mass in d = {d}"
            let h = 1e-6
            for r in [ 0.05; 0.2; 0.45; 0.7; 0.85 ] do
                Expect.floatClose Accuracy.medium (chi.RadialDerivative r) ((radial (r + h) - radial (r - h)) / (2.0 * h)) $"chi'({r})"
            Expect.equal (chi.ValueOfSquaredDistance 0.81) 0.0 "zero on the sphere"
            Expect.equal (chi.ValueOfSquaredDistance 1.0) 0.0 "and outside"
        }

        test "The smooth bump's Lipschitz constants are the suprema of |chi'| and of the Hessian's eigenvalues, labelled as estimated" {
            let chi = SmoothBump(0.9, 1.7, 16.0)
            let r = 0.9
            Expect.floatClose Accuracy.medium chi.Lipschitz.Value (supOver chi.RadialDerivative r) "Lip(chi) = sup |chi'|"
            let h = 1e-5
            let second rho = (chi.RadialDerivative(rho + h) - chi.RadialDerivative(rho - h)) / (2.0 * h)
            let transverse rho = if rho = 0.0 then second 0.0 else chi.RadialDerivative rho / rho
            let lipGrad = max (supOver second (r - 2.0 * h)) (supOver transverse r)
            Expect.floatClose Accuracy.medium chi.GradientLipschitz.Value lipGrad "Lip(grad chi) = sup ||Hessian||"
            Expect.isTrue (chi.Lipschitz.IsEstimated && chi.GradientLipschitz.IsEstimated) "from a scan, so estimated"
        }

        test "J0 by Miller's recurrence agrees with MathNet's Bessel function to 1e-14 on [0, 200]" {
            for x in [ 0.0 .. 0.137 .. 200.0 ] @ [ 1e-9; 2.404825557695773; 5.520078110286311 ] do
                let ours = RadialFourier.BesselJ0 x
                let theirs = MathNet.Numerics.SpecialFunctions.BesselJ(0.0, x)
                Expect.isLessThan (abs (ours - theirs)) 1e-14 $"x = {x}: {ours} against {theirs}"
        }

        test "The radial Fourier transform of chi matches a tensor Gauss-Legendre quadrature of the integral in the plane and on the line" {
            let chi = PolynomialBump(0.5, 1.3)
            let rule = MathNet.Numerics.Integration.GaussLegendreRule(-0.5, 0.5, 200)
            for k in [ 0.0; 1.0; 7.5; 30.0 ] do
                // In d = 2, int chi(x) e^{-i k x_1} dx over the square holding the disc (chi is 0 outside it).
                let mutable plane = 0.0
                for i in 0 .. rule.Order - 1 do
                    for j in 0 .. rule.Order - 1 do
                        let x, y = rule.GetAbscissa i, rule.GetAbscissa j
                        plane <- plane + rule.GetWeight i * rule.GetWeight j * chi.ValueOfSquaredDistance(x * x + y * y) * cos (k * x)
                Expect.floatClose { absolute = 1e-6; relative = 1e-4 } (RadialFourier.Transform(chi, 2, k)) plane $"d = 2, k = {k}"
                let line = Seq.sum (seq { for i in 0 .. rule.Order - 1 -> rule.GetWeight i * chi.ValueOfSquaredDistance(rule.GetAbscissa i ** 2.0) * cos (k * rule.GetAbscissa i) })
                Expect.floatClose { absolute = 1e-10; relative = 1e-9 } (RadialFourier.Transform(chi, 1, k)) line $"d = 1, k = {k}"
            Expect.floatClose Accuracy.high (RadialFourier.Transform(chi, 2, 0.0)) (chi.Mass 2) "at k = 0 the mass (closed form)"
            Expect.floatClose Accuracy.high (RadialFourier.Transform(chi, 3, 0.0)) (chi.Mass 3) "in d = 3 too"
        }

        test "The smooth bump's Fourier transform stays below 1e-9 of its mass for k r in [80, 90] in d = 1, 2, 3, where the polynomial bump's reaches above 1e-7" {
            let smooth = SmoothBump(1.0, 1.0, 16.0)
            let polynomial = PolynomialBump(1.0, 1.0)
            for d in 1 .. 3 do
                // The largest over a few oscillations of the transform.
                let ratio (chi: ISourceProfile) =
                    [ 80.0 .. 0.25 .. 90.0 ] |> List.map (fun k -> abs (RadialFourier.Transform(chi, d, k))) |> List.max |> fun t -> t / chi.Mass d
                Expect.isLessThan (ratio smooth) 1e-9 $"d = {d}: the smooth bump"
                Expect.isGreaterThan (ratio polynomial) 1e-7 $"d = {d}: the polynomial bump (C^2) decays as a power"
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
